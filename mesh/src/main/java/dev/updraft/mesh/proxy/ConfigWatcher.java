package dev.updraft.mesh.proxy;

import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.MeshConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Reloads the proxy when its configuration file changes. A new version that does not parse or
 * validate is reported and the running configuration stays, so a typo never takes traffic down.
 */
public final class ConfigWatcher implements AutoCloseable {
  private final Thread thread;
  private volatile boolean closed;

  /**
   * Polls {@code file} every {@code interval}; {@code adjust} applies command-line overrides to
   * each loaded version before it is applied; {@code report} receives one line per reload.
   */
  public ConfigWatcher(
      Path file,
      MeshProxy proxy,
      Duration interval,
      UnaryOperator<MeshConfig> adjust,
      Consumer<String> report) {
    this.thread =
        Thread.ofVirtual()
            .name("mesh-config-watch")
            .start(
                () -> {
                  FileTime last = mtime(file);
                  while (!closed && !proxy.terminated().isDone()) {
                    try {
                      Thread.sleep(interval);
                    } catch (InterruptedException e) {
                      return;
                    }
                    FileTime now = mtime(file);
                    if (now == null || now.equals(last)) {
                      continue;
                    }
                    last = now;
                    try {
                      proxy.reload(adjust.apply(ConfigFile.load(file)));
                      report.accept("updraft mesh: reloaded " + file);
                    } catch (MeshConfigException e) {
                      report.accept(
                          "updraft mesh: kept the previous configuration: " + e.getMessage());
                    }
                  }
                });
  }

  private static FileTime mtime(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
