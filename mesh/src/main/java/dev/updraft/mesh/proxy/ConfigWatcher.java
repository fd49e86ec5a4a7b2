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
 *
 * <p>A change is read once the file's modification time has held still for one poll, and applied
 * only if the text differs from the version last read: a file written and then touched (or saved
 * twice by an editor) is one reload, not two, and a write in progress is not read half-way unless
 * its writer stalls for a whole interval (then the next change puts it right).
 */
public final class ConfigWatcher implements AutoCloseable {
  private final Path file;
  private final MeshProxy proxy;
  private final UnaryOperator<MeshConfig> adjust;
  private final Consumer<String> report;
  private final Thread thread;
  private volatile boolean closed;
  private FileTime seen;
  private String text;

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
    this.file = file;
    this.proxy = proxy;
    this.adjust = adjust;
    this.report = report;
    // The version the proxy runs, taken now: a change made before the thread first runs counts.
    this.seen = mtime();
    this.text = read();
    this.thread = Thread.ofVirtual().name("mesh-config-watch").start(() -> watch(interval));
  }

  private void watch(Duration interval) {
    FileTime pending = null;
    while (!closed && !proxy.terminated().isDone()) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      FileTime now = mtime();
      if (now == null || now.equals(seen)) {
        pending = null;
      } else if (!now.equals(pending)) {
        pending = now; // changed since the last poll: perhaps still being written
      } else {
        seen = now;
        pending = null;
        changed();
      }
    }
  }

  private void changed() {
    String current;
    try {
      current = Files.readString(file);
    } catch (IOException e) {
      report.accept(
          "updraft mesh: kept the previous configuration: config: cannot read "
              + file
              + ": "
              + e.getMessage());
      return;
    }
    if (current.equals(text)) {
      return;
    }
    text = current;
    try {
      proxy.reload(adjust.apply(ConfigFile.parse(file.toString(), current)));
      report.accept("updraft mesh: reloaded " + file);
    } catch (MeshConfigException e) {
      report.accept("updraft mesh: kept the previous configuration: " + e.getMessage());
    }
  }

  private FileTime mtime() {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }

  private String read() {
    try { // the version running at start; unreadable, any later text differs from it
      return Files.readString(file);
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
