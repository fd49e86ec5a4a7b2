package dev.updraft.deploy.local;

import dev.updraft.sys.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who a database server runs as. PostgreSQL refuses to run as root, so as root a server and its
 * set-up programs run as the owner of their data directory: {@code nobody} for a new one, or
 * whoever owns one made before (Debian's {@code postgres} for clusters of earlier updraft
 * versions), switched to with util-linux's {@code setpriv}, which every Debian has. Not as root,
 * they run as this process's user.
 *
 * @param user the user name, null when nothing is switched
 * @param group that user's group, null when nothing is switched
 */
record RunAs(String user, String group) {
  static final RunAs SELF = new RunAs(null, null);
  private static final String DEFAULT_USER = "nobody";

  /**
   * Who runs the server whose data lives in {@code data} (which may not exist yet): its owner; for
   * a new one, the owner of the directory it is made in, since an environment's clusters share a
   * directory only their user may enter ({@link Clusters}); else nobody.
   */
  static RunAs forData(Path data) {
    if (!Host.isRoot()) {
      return SELF;
    }
    try {
      Optional<RunAs> owner = owner(data);
      if (owner.isEmpty() && !Files.exists(data) && data.toAbsolutePath().getParent() != null) {
        owner = owner(data.toAbsolutePath().getParent());
      }
      return owner.isPresent() ? owner.get() : new RunAs(DEFAULT_USER, defaultGroup());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The user who owns {@code path}, unless it is root's or missing. */
  static Optional<RunAs> owner(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    PosixFileAttributeView view =
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    var attributes = view.readAttributes();
    String owner = attributes.owner().getName();
    return owner.equals("root") || owner.equals("0")
        ? Optional.empty()
        : Optional.of(new RunAs(owner, attributes.group().getName()));
  }

  /** Debian calls nobody's group nogroup; other systems nobody. */
  private static String defaultGroup() throws IOException {
    UserPrincipalLookupService lookup =
        Path.of("/").getFileSystem().getUserPrincipalLookupService();
    try {
      return lookup.lookupPrincipalByGroupName("nogroup").getName();
    } catch (UserPrincipalNotFoundException e) {
      return DEFAULT_USER;
    }
  }

  boolean switches() {
    return user != null;
  }

  /** {@code command} run as this user. */
  List<String> command(List<String> command) {
    if (!switches()) {
      return command;
    }
    List<String> full = new ArrayList<>();
    full.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups", "--"));
    full.addAll(command);
    return full;
  }

  /** Makes {@code path} this user's (when one is switched to). */
  void own(Path path) {
    if (!switches()) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view =
          Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      view.setOwner(lookup.lookupPrincipalByName(user));
      GroupPrincipal groupPrincipal = lookup.lookupPrincipalByGroupName(group);
      view.setGroup(groupPrincipal);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
