package dev.updraft.console.model;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.logs.LogFollower;
import dev.updraft.deploy.logs.LogLine;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * An instance's log as the local target stores it (stamped lines in rotated files, read with the
 * same {@link LogFollower} as {@code updraft deploy logs}): the last lines that match a search, and
 * the lines added from then on, across rotations. Every line is redacted first, so a secret a
 * service prints never reaches the page, nor a search that names it.
 */
public final class LogTail {
  /** Lines longer than this are cut: a page, not a dump. */
  static final int MAX_LINE = 2_000;

  private final Path file;
  private final String instance;
  private final Redactor redactor;
  private final String search;

  public LogTail(Path file, Redactor redactor, String search) {
    this.file = file;
    String name = file.getFileName().toString();
    this.instance = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
    this.redactor = redactor;
    this.search = search == null ? "" : search.toLowerCase(Locale.ROOT);
  }

  /** The last {@code count} matching lines, and where following them continues. */
  public Page last(int count) {
    if (!Files.isReadable(file)) {
      return new Page(List.of(), 0);
    }
    try (LogFollower follower = LogFollower.fromStart(file, instance)) {
      ArrayDeque<String> lines = new ArrayDeque<>();
      for (LogLine line : follower.poll()) {
        String shown = show(line.text());
        if (!shown.isEmpty() && matches(shown)) {
          lines.addLast(shown);
          if (lines.size() > count) {
            lines.removeFirst();
          }
        }
      }
      return new Page(new ArrayList<>(lines), follower.position());
    } catch (UncheckedIOException e) {
      return new Page(List.of(), 0);
    }
  }

  /**
   * Hands each complete matching line added after {@code offset} (in the current file) to {@code
   * line}, checking for more every {@code pollMillis}, until {@code stop} says so; a rotation
   * between two checks loses nothing.
   */
  public void follow(long offset, long pollMillis, Consumer<String> line, BooleanSupplier stop)
      throws InterruptedException {
    try (LogFollower follower = LogFollower.from(file, instance, offset)) {
      while (!stop.getAsBoolean()) {
        for (LogLine l : follower.poll()) {
          String shown = show(l.text());
          if (matches(shown)) {
            line.accept(shown);
          }
        }
        Thread.sleep(pollMillis);
      }
    }
  }

  private String show(String raw) {
    String line = raw.length() > MAX_LINE ? raw.substring(0, MAX_LINE) + " …" : raw;
    return redactor.redact(line.replace("\r", ""));
  }

  private boolean matches(String shown) {
    return search.isEmpty() || shown.toLowerCase(Locale.ROOT).contains(search);
  }

  /** Lines to show, and the offset where following them continues. */
  public record Page(List<String> lines, long end) {
    public Page {
      lines = List.copyOf(lines);
    }
  }
}
