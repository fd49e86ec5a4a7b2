package dev.updraft.bench.vm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A VMM process's console (the guest's serial output), with the time of its first byte. */
final class Console {
  private final Process process;
  private final StringBuilder text = new StringBuilder();
  private long firstByteNanos;

  private Console(Process process) {
    this.process = process;
  }

  static Console start(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    Console c = new Console(p);
    Thread.ofPlatform().daemon().start(() -> c.pump(p.getInputStream()));
    Thread.ofPlatform().daemon().start(() -> drain(p.getErrorStream()));
    return c;
  }

  private void pump(InputStream in) {
    byte[] buffer = new byte[4096];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        synchronized (this) {
          if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
          }
          text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private static void drain(InputStream in) {
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the process ended
    }
  }

  Process process() {
    return process;
  }

  /** Waits until the console holds {@code marker}; returns the time it was seen. */
  synchronized long await(String marker, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (text.indexOf(marker) < 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException(
            "no \"" + marker + "\" within " + timeoutMillis + " ms; console:\n" + text);
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return System.nanoTime();
  }

  /** Everything the process wrote to stdout so far. */
  synchronized String text() {
    return text.toString();
  }

  synchronized long firstByteNanos() {
    return firstByteNanos;
  }

  /** The value of the guest's {@code info key=value} line. */
  synchronized Optional<String> info(String key) {
    List<String> lines = new ArrayList<>(text.toString().lines().toList());
    return lines.stream()
        .filter(l -> l.startsWith("info " + key + "="))
        .map(l -> l.substring(("info " + key + "=").length()).strip())
        .findFirst();
  }

  void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
