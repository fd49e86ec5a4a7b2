package dev.updraft.vmm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A guest's serial output read live from a stream (a VMM's stdout), line by line with the arrival
 * time of each line, so a test can wait for a line or check that none arrived in a window.
 */
public final class SerialLog {
  /** One line, without its terminator, and {@link System#nanoTime()} when it arrived. */
  public record Line(long nanos, String text) {}

  private final List<Line> lines = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private final StringBuilder raw = new StringBuilder();
  private boolean closed;

  /** Starts a daemon thread that reads {@code in} until it ends. */
  public static SerialLog follow(InputStream in, String threadName) {
    SerialLog log = new SerialLog();
    Thread reader = new Thread(() -> log.pump(in), threadName);
    reader.setDaemon(true);
    reader.start();
    return log;
  }

  private void pump(InputStream in) {
    byte[] buffer = new byte[4096];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      // The VMM went away mid-read; what arrived so far stays readable.
    } finally {
      synchronized (this) {
        if (!partial.isEmpty()) {
          lines.add(new Line(System.nanoTime(), partial.toString()));
          partial.setLength(0);
        }
        closed = true;
        notifyAll();
      }
    }
  }

  synchronized void append(String text) {
    long now = System.nanoTime();
    raw.append(text);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        lines.add(new Line(now, partial.toString()));
        partial.setLength(0);
      } else if (c != '\r') {
        partial.append(c);
      }
    }
    notifyAll();
  }

  /** Every complete line so far. */
  public synchronized List<Line> lines() {
    return List.copyOf(lines);
  }

  /** Everything read so far, as it came. */
  public synchronized String text() {
    return raw.toString();
  }

  public GuestReport report() {
    return GuestReport.parse(text());
  }

  /** Waits for the first line (from the start) that matches; empty if it did not come in time. */
  public Optional<Line> await(Predicate<String> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (match.test(lines.get(seen).text())) {
            return Optional.of(lines.get(seen));
          }
        }
        long left = deadline - System.nanoTime();
        if (closed || left <= 0) {
          return Optional.empty();
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UncheckedIOException(new IOException("interrupted waiting for serial output"));
        }
      }
    }
  }

  /** Waits until the stream has ended and every byte is read; false if it did not in time. */
  public synchronized boolean awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** {@link #await} for a line equal to {@code text}. */
  public Optional<Line> awaitLine(String text, Duration timeout) {
    return await(text::equals, timeout);
  }
}
