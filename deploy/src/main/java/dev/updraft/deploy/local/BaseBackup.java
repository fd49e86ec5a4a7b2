package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A copy of a PostgreSQL cluster that another server of the same major version opens: a base
 * backup, taken while the source serves, through PostgreSQL's low-level API ({@code
 * pg_backup_start}, a file copy, {@code pg_backup_stop}, its {@code backup_label} written into the
 * copy, then the WAL written meanwhile). The server recovers the copy to a consistent state on its
 * first start, as it does a {@code pg_basebackup}'s. That needs no client program: the pinned
 * binaries ship none ({@code pg_dump} and {@code pg_basebackup} included), and a template database
 * ({@code CREATE DATABASE ... TEMPLATE}) only copies within one server. A stopped cluster is
 * consistent as it lies and is copied whole.
 */
final class BaseBackup {
  /** What a running server keeps in its directory that a copy must not take (PostgreSQL docs). */
  private static final Set<String> RUNTIME_FILES =
      Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map");

  /** Directories whose contents a copy leaves out; the directories themselves must exist. */
  private static final Set<String> EMPTIED =
      Set.of(
          "pg_wal",
          "pg_replslot",
          "pg_dynshmem",
          "pg_notify",
          "pg_serial",
          "pg_snapshots",
          "pg_stat_tmp",
          "pg_subtrans");

  private BaseBackup() {}

  /** Copies the cluster {@code from}, served on {@code port}, into the new {@code to}. */
  static void online(String service, Path from, Path to, int port, String password) {
    try (Connection connection = Wire.postgres(port, password, "postgres");
        Statement sql = connection.createStatement()) {
      // fast: an immediate checkpoint rather than one spread over minutes.
      sql.execute("SELECT pg_backup_start('updraft preview', true)");
      copyTree(from, to, true);
      try (ResultSet stop =
          sql.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
        stop.next();
        PrivateFiles.write(to.resolve("backup_label"), stop.getString(1));
        String map = stop.getString(2);
        if (map != null && !map.isEmpty()) {
          PrivateFiles.write(to.resolve("tablespace_map"), map);
        }
      }
      // After the stop: every WAL segment from the backup's start to its end is there now.
      copyTree(from.resolve("pg_wal"), to.resolve("pg_wal"), false);
      owned(from, to);
    } catch (SQLException e) {
      throw new DeployException(
          "PREVIEW_DATA",
          service + ": cannot copy its PostgreSQL data: " + e.getMessage(),
          "check that the source's database runs (updraft deploy status)",
          null);
    } catch (IOException e) {
      throw copyFailed(service, from, e);
    }
  }

  /** Copies the cluster {@code from}, whose server is stopped, into the new {@code to}. */
  static void stopped(String service, Path from, Path to) {
    try {
      copyTree(from, to, false);
      owned(from, to);
    } catch (IOException e) {
      throw copyFailed(service, from, e);
    }
  }

  private static DeployException copyFailed(String service, Path from, IOException e) {
    return new DeployException(
        "PREVIEW_DATA",
        service + ": cannot copy its PostgreSQL data from " + from + ": " + e,
        "check the free space and that the source's cluster is readable",
        null);
  }

  /**
   * Copies regular files and directories under {@code from} with their modes; sockets and what a
   * running server keeps only for itself are left out, as are files that vanish meanwhile (a
   * running server's temporary files; WAL replay restores what matters).
   */
  private static void copyTree(Path from, Path to, boolean online) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : (Iterable<Path>) walk::iterator) {
        Path relative = from.relativize(source);
        Path target = to.resolve(relative.toString());
        if (online && leftOut(relative)) {
          continue;
        }
        try {
          if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(target)) {
              Files.createDirectory(target, PrivateFiles.directoryMode());
            }
          } else if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)
              && !relative.getFileName().toString().startsWith(".s.PGSQL.")) {
            Files.copy(
                source,
                target,
                StandardCopyOption.COPY_ATTRIBUTES,
                StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
          // removed by the server while we walked; or a WAL segment taken before
        }
      }
    }
  }

  private static boolean leftOut(Path relative) {
    if (relative.getNameCount() == 1) {
      return RUNTIME_FILES.contains(relative.toString());
    }
    String top = relative.getName(0).toString();
    String name = relative.getFileName().toString();
    return EMPTIED.contains(top) || name.equals("pg_internal.init") || name.startsWith("pgsql_tmp");
  }

  /** The copy belongs to the source's owner, who runs its server (as root: not root). */
  private static void owned(Path from, Path to) throws IOException {
    PosixFileAttributes source =
        Files.getFileAttributeView(from, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes();
    UserPrincipal owner = source.owner();
    GroupPrincipal group = source.group();
    try (Stream<Path> walk = Files.walk(to)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        PosixFileAttributeView view =
            Files.getFileAttributeView(
                path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setOwner(owner);
        view.setGroup(group);
      }
    }
  }
}
