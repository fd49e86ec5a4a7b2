package dev.updraft.console.model;

import dev.updraft.deploy.events.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * An instance's log file (its stdout and stderr, as the supervisor writes them): the last lines
 * that match a search, and the lines appended from then on. Every line is redacted first, so a
 * secret a service prints never reaches the page, nor a search that names it.
 */
public final class LogTail {
  /** Lines longer than this are cut: a page, not a dump. */
  static final int MAX_LINE = 2_000;

  private static final int READ_MAX = 1 << 20;

  private final Path file;
  private final Redactor redactor;
  private final String search;

  public LogTail(Path file, Redactor redactor, String search) {
    this.file = file;
    this.redactor = redactor;
    this.search = search == null ? "" : search.toLowerCase(Locale.ROOT);
  }

  /** The last {@code count} matching lines of at most the file's last MiB, and where it ended. */
  public Page last(int count) {
    if (!Files.isReadable(file)) {
      return new Page(List.of(), 0);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      long from = Math.max(0, size - READ_MAX);
      ByteBuffer bytes = ByteBuffer.allocate((int) (size - from));
      while (bytes.hasRemaining() && channel.read(bytes, from + bytes.position()) > 0) {
        // read what is there
      }
      String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n') + 1; // a line still being written waits for its end
      ArrayDeque<String> lines = new ArrayDeque<>();
      for (String line : text.substring(0, end).split("\n", -1)) {
        String shown = show(line);
        if (!line.isEmpty() && matches(shown)) {
          lines.addLast(shown);
          if (lines.size() > count) {
            lines.removeFirst();
          }
        }
      }
      return new Page(
          new ArrayList<>(lines),
          from + text.substring(0, end).getBytes(StandardCharsets.UTF_8).length);
    } catch (IOException e) {
      throw new UncheckedIOException("log " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Hands each complete matching line appended after {@code offset} to {@code line}, checking for
   * more every {@code pollMillis}, until {@code stop} says so. A log that shrank (rotated,
   * truncated) is read again from its start.
   */
  public void follow(long offset, long pollMillis, Consumer<String> line, BooleanSupplier stop)
      throws InterruptedException {
    long at = offset;
    // Bytes, not characters: a read may end inside a multibyte character, so only whole lines
    // (a newline byte never occurs inside a UTF-8 character) are decoded.
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    while (!stop.getAsBoolean()) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        if (channel.size() < at) {
          at = 0;
          partial.reset();
        }
        buffer.clear();
        int n = channel.read(buffer, at);
        if (n > 0) {
          at += n;
          byte[] read = buffer.array();
          int start = 0;
          for (int i = 0; i < n; i++) {
            if (read[i] == '\n') {
              partial.write(read, start, i - start);
              String shown = show(partial.toString(StandardCharsets.UTF_8));
              partial.reset();
              start = i + 1;
              if (matches(shown)) {
                line.accept(shown);
              }
            }
          }
          partial.write(read, start, n - start);
          continue; // more may be there already
        }
      } catch (IOException e) {
        // not there (yet): an instance that has not started writes it soon
      }
      Thread.sleep(pollMillis);
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
