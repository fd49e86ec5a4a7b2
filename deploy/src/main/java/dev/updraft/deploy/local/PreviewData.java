package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.Artifacts;
import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A preview's databases, filled from its source's before their servers first start: PostgreSQL by a
 * base backup ({@link BaseBackup}), Redis by a snapshot ({@link RedisSnapshot}). Each is taken
 * while the source serves, without stopping it or its clients; a source stopped cleanly is copied
 * as its files lie. The copy's password is the source's, sealed with the preview's own key.
 */
public final class PreviewData {
  private PreviewData() {}

  /**
   * Copies the data of {@code database} of the environment whose state directory is {@code
   * sourceDir} into that of the preview, {@code previewDir}.
   *
   * @param sourcePort the port the source's server was deployed on, or null if it never was
   */
  public static void copy(
      Path sourceDir, Path previewDir, Service.Database database, Integer sourcePort) {
    String name = database.name();
    try {
      switch (database.engine()) {
        case POSTGRES -> postgres(sourceDir, previewDir, name, sourcePort);
        case REDIS -> {
          Path from = sourceDir.resolve("databases").resolve(name);
          Path to = PrivateFiles.directories(previewDir.resolve("databases").resolve(name));
          if (sourcePort != null && Wire.redisNotReady(sourcePort).isEmpty()) {
            RedisSnapshot.online(name, from, to, sourcePort);
          } else {
            RedisSnapshot.stopped(name, from, to);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void postgres(Path sourceDir, Path previewDir, String name, Integer port)
      throws IOException {
    Path from = Clusters.of(sourceDir).resolve(name);
    if (!Files.exists(from.resolve("PG_VERSION"))) {
      return; // never started: the preview's starts empty, as its source's would
    }
    Path to = Clusters.of(previewDir).resolve(name);
    if (Files.exists(to)) {
      throw new DeployException(
          "PREVIEW_DATA",
          name + ": " + to + " exists already (expected: no cluster yet for a new preview)",
          "remove it, or delete the preview and create it again",
          null);
    }
    Clusters.prepare(to);
    Optional<EnvironmentKey> sourceKey = EnvironmentKey.existing(sourceDir);
    Optional<String> password =
        sourceKey.flatMap(key -> ClusterPassword.of(from, name, key).kept());
    boolean serving =
        port != null
            && password.isPresent()
            && Wire.postgresNotReady(
                    name, port, password.get(), from.resolveSibling(name + ".password"))
                .isEmpty();
    if (serving) {
      BaseBackup.online(name, from, to, port, password.get());
    } else if (!Files.exists(from.resolve("postmaster.pid"))) {
      BaseBackup.stopped(name, from, to);
    } else {
      throw new DeployException(
          "PREVIEW_DATA",
          name
              + ": its source's PostgreSQL neither serves nor was stopped cleanly ("
              + from.resolve("postmaster.pid")
              + " is there)",
          "run updraft deploy up on the source, then create the preview again",
          null);
    }
    // Its own key seals it; without a kept one, the preview's first start sets a new password.
    password.ifPresent(p -> ClusterPassword.of(to, name, EnvironmentKey.of(previewDir)).keep(p));
  }

  /**
   * Removes what of an environment lives outside its state directory {@code dir}: as root, its
   * PostgreSQL clusters under {@code /var/tmp/updraft-postgres}.
   */
  public static void removeOutside(Path dir) throws IOException {
    Path clusters = Clusters.of(dir);
    if (!clusters.startsWith(dir)) {
      Artifacts.deleteTree(clusters);
    }
  }
}
