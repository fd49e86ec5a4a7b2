package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.sys.Host;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where an environment's PostgreSQL clusters live, and who may enter them. Not as root, in the
 * environment's state directory, private as all of it is. As root, PostgreSQL runs as an
 * unprivileged user ({@link RunAs}) who cannot enter {@code /root}, so the clusters live under
 * {@code /var/tmp/updraft-postgres}: that directory is root's and only traversable (0711), so no
 * one lists the environments in it; each environment's directory below is its servers' user's and
 * 0700, so that user reaches its clusters and no one else lists them. An environment whose clusters
 * belong to two users (one made by Debian's programs, one since) keeps its directory root's and
 * only traversable, as the shared one: each cluster's own directory is still its user's alone.
 */
final class Clusters {
  static final Path SHARED = Path.of("/var/tmp/updraft-postgres");
  private static final Set<PosixFilePermission> TRAVERSE =
      PosixFilePermissions.fromString("rwx--x--x");
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");

  private Clusters() {}

  /** The directory of the clusters of the environment whose state directory is {@code dir}. */
  static Path of(Path dir) {
    return Host.isRoot()
        ? SHARED.resolve(Integer.toHexString(dir.toAbsolutePath().hashCode()))
        : dir.resolve("databases");
  }

  /**
   * Makes the directories above the cluster {@code data} (which may not exist yet) with their modes
   * and owners, tightening those an older updraft made open; returns who its server runs as.
   */
  static RunAs prepare(Path data) throws IOException {
    Path environment = data.toAbsolutePath().getParent();
    if (!Host.isRoot()) {
      PrivateFiles.directories(environment);
      return RunAs.SELF;
    }
    shared(environment.getParent());
    if (Files.isSymbolicLink(environment)) {
      throw new DeployException(
          "DATABASE_SETUP",
          environment + " is a symbolic link (expected: a directory updraft made)",
          "remove the link; the clusters of this environment are made there again",
          null);
    }
    PrivateFiles.directories(environment);
    RunAs user = RunAs.forData(data);
    Set<RunAs> users = new HashSet<>(Set.of(user));
    try (Stream<Path> clusters = Files.list(environment)) {
      for (Path cluster : (Iterable<Path>) clusters::iterator) {
        if (Files.isDirectory(cluster, LinkOption.NOFOLLOW_LINKS)) {
          RunAs.owner(cluster).ifPresent(users::add);
        }
      }
    }
    if (users.size() == 1) {
      user.own(environment);
      if (!Files.getPosixFilePermissions(environment).equals(PRIVATE)) {
        PrivateFiles.tighten(environment); // made 0755 by an older updraft, with what is in it
      }
    } else {
      Files.setOwner(environment, Files.getOwner(environment.getParent())); // root's
      Files.setPosixFilePermissions(environment, TRAVERSE);
    }
    return user;
  }

  /** Makes {@code shared}, the directory of every environment's clusters: root's, 0711. */
  static void shared(Path shared) throws IOException {
    try {
      Files.createDirectory(shared, PosixFilePermissions.asFileAttribute(TRAVERSE));
    } catch (FileAlreadyExistsException e) {
      // made before, by this or an older updraft (0755), or by someone else: checked below
    }
    if (Files.isSymbolicLink(shared) || RunAs.owner(shared).isPresent()) {
      // Whoever owns it could swap the environments' directories in it for their own.
      throw new DeployException(
          "DATABASE_SETUP",
          shared
              + " belongs to "
              + Files.getOwner(shared, LinkOption.NOFOLLOW_LINKS).getName()
              + (Files.isSymbolicLink(shared) ? " and is a symbolic link" : "")
              + " (expected: a directory of root's, mode 0711)",
          "check who made it; move it away if it is not updraft's clusters, then deploy again",
          null);
    }
    if (!Files.getPosixFilePermissions(shared).equals(TRAVERSE)) {
      Files.setPosixFilePermissions(shared, TRAVERSE); // the umask's, or an older updraft's 0755
    }
  }
}
