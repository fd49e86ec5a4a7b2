package dev.updraft.deploy.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and directories of the state directory, readable by their owner only: directories 0700,
 * files 0600 (0700 when executable). Each is created with its mode, never loosened and tightened
 * after, so there is no moment when another user can open it; files are replaced atomically. A
 * directory an older updraft made with a looser mode is tightened, with everything under it.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.complementOf(
          EnumSet.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));

  private PrivateFiles() {}

  /** The mode of a private directory, for {@code Files.createDirectory}. */
  public static FileAttribute<Set<PosixFilePermission>> directoryMode() {
    return PosixFilePermissions.asFileAttribute(DIRECTORY);
  }

  /** The mode of a private file, for {@code Files.createFile} and channels. */
  public static FileAttribute<Set<PosixFilePermission>> fileMode() {
    return PosixFilePermissions.asFileAttribute(FILE);
  }

  /**
   * Makes {@code dir} and the parents it lacks, each 0700; returns it. Parents that exist keep
   * their mode: they may be the user's (the spec's directory).
   */
  public static Path directories(Path dir) {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return dir;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      directories(parent);
    }
    try {
      Files.createDirectory(absolute, directoryMode());
    } catch (FileAlreadyExistsException e) {
      // made meanwhile (another engine or the supervisor): its maker gave it its mode
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + absolute + ": " + e.getMessage(), e);
    }
    return dir;
  }

  /**
   * Makes {@code root} as {@link #directories} does; if it exists with a mode that lets others in
   * (made by an older updraft), tightens it and everything under it.
   */
  public static Path privateRoot(Path root) {
    directories(root);
    try {
      if (!Files.isSymbolicLink(root) && open(root)) {
        tighten(root);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tighten " + root + ": " + e.getMessage(), e);
    }
    return root;
  }

  private static boolean open(Path path) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    return mode.stream().anyMatch(GROUP_OR_OTHERS::contains);
  }

  /** Takes every group and other permission off {@code root} and what is under it. */
  public static void tighten(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path path : (Iterable<Path>) all::iterator) {
        if (Files.isSymbolicLink(path) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Set<PosixFilePermission> mode =
            Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (mode.removeAll(GROUP_OR_OTHERS)) {
          Files.setPosixFilePermissions(path, mode);
        }
      }
    }
  }

  /** Replaces {@code file} with {@code text} atomically: a reader sees the old or the new text. */
  public static void write(Path file, String text) {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code file} with {@code bytes} atomically, forced to disk first. */
  public static void write(Path file, byte[] bytes) {
    replace(
        file,
        out -> {
          out.write(bytes);
        });
  }

  /** What writes a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Replaces {@code file} with what {@code content} writes, atomically, forced to disk first. */
  public static void replace(Path file, Content content) {
    directories(file.toAbsolutePath().getParent());
    Path temp =
        file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.deleteIfExists(temp);
      try (FileChannel channel =
              FileChannel.open(
                  temp,
                  Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                  fileMode());
          OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the write failed already; that is the error
      }
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Makes {@code file} empty and private unless it exists (a log that processes append to). */
  public static Path touch(Path file) {
    directories(file.toAbsolutePath().getParent());
    try {
      Files.createFile(file, fileMode());
    } catch (FileAlreadyExistsException e) {
      // appended to as it is
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /** Opens {@code file} as {@code options} say, created private if it is not there. */
  public static FileChannel channel(Path file, OpenOption... options) throws IOException {
    directories(file.toAbsolutePath().getParent());
    Set<OpenOption> set = Set.of(options);
    return FileChannel.open(file, set, fileMode());
  }

  /**
   * Copies {@code source} to a new {@code target} with the owner's permissions of the source only
   * (0644 becomes 0600, 0755 becomes 0700): an executable stays executable, for its owner.
   */
  public static void copy(Path source, Path target) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(source);
    mode.removeAll(GROUP_OR_OTHERS);
    try (InputStream in = Files.newInputStream(source);
        FileChannel channel =
            FileChannel.open(
                target,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(mode));
        OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
      in.transferTo(out);
    }
  }
}
