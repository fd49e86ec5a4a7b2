package dev.updraft.deploy.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Reads one instance's {@link StampedLog} from its oldest rotated file on, and then what is added,
 * across rotations: the file it reads stays open when it is renamed, is read to its end, and the
 * files that took its place follow in order, however many rotations happened between two polls (up
 * to the rotation's count). Only complete lines are returned.
 */
public final class LogFollower implements AutoCloseable {
  private final Path file;
  private final String instance;
  private final Deque<Path> older = new ArrayDeque<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private FileChannel channel;
  private Object key;
  private long position;
  private Instant last = Instant.EPOCH;

  private LogFollower(Path file, String instance) {
    this.file = file;
    this.instance = instance;
  }

  /** Follows {@code file} (the current generation) from the start of its oldest generation. */
  public static LogFollower fromStart(Path file, String instance) {
    LogFollower follower = new LogFollower(file, instance);
    for (int i = StampedLog.MAX_GENERATIONS; i > 0; i--) {
      Path g = StampedLog.generation(file, i);
      if (Files.exists(g)) {
        follower.older.add(g);
      }
    }
    return follower;
  }

  /** Follows {@code file} from {@code offset} in its current generation (where a page ended). */
  public static LogFollower from(Path file, String instance, long offset) {
    LogFollower follower = new LogFollower(file, instance);
    follower.position = offset;
    return follower;
  }

  public String instance() {
    return instance;
  }

  /** Where a new follower goes on in the file read now: after its last complete line. */
  public long position() {
    return position - partial.size();
  }

  /** The complete lines added since the last poll (all of them at the first). */
  public List<LogLine> poll() {
    List<LogLine> lines = new ArrayList<>();
    try {
      while (true) {
        if (channel == null && !openNext()) {
          return lines;
        }
        int n;
        while ((n = channel.read(buffer.clear(), position)) > 0) {
          position += n;
          split(buffer.array(), n, lines);
        }
        if (!older.isEmpty()) {
          closeChannel(); // read to its end: on to the next generation
          continue;
        }
        Object now = key(file);
        if (Objects.equals(now, key)) {
          return lines; // still the current file, and read up to its end
        }
        // Rotated away under us; its end is read. The files since, oldest first, then the new one.
        for (int i = StampedLog.MAX_GENERATIONS; i > 0; i--) {
          Path g = StampedLog.generation(file, i);
          Object k = key(g);
          if (k != null && k.equals(key)) {
            for (int j = i - 1; j > 0; j--) {
              older.add(StampedLog.generation(file, j));
            }
            break;
          }
        }
        closeChannel();
        position = 0;
        if (now == null && older.isEmpty()) {
          return lines; // removed: the instance's logs were cleaned up
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("log " + file + ": " + e.getMessage(), e);
    }
  }

  private boolean openNext() throws IOException {
    Path next = older.isEmpty() ? file : older.removeFirst();
    try {
      channel = FileChannel.open(next, StandardOpenOption.READ);
      key = key(next);
      if (next != file) {
        position = 0;
      }
      if (channel.size() < position) {
        position = 0; // not the file the offset was taken in
      }
      return true;
    } catch (NoSuchFileException e) {
      return !older.isEmpty() && openNext();
    }
  }

  private static Object key(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private void split(byte[] bytes, int length, List<LogLine> lines) {
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        String text;
        if (partial.size() > 0) {
          partial.write(bytes, start, i - start);
          text = partial.toString(StandardCharsets.UTF_8);
          partial.reset();
        } else {
          text = new String(bytes, start, i - start, StandardCharsets.UTF_8);
        }
        lines.add(line(text));
        start = i + 1;
      }
    }
    partial.write(bytes, start, length - start);
  }

  private LogLine line(String stored) {
    LogLine line = LogLine.parse(instance, stored).orElse(null);
    if (line == null) {
      return new LogLine(last, instance, stored); // unstamped: as old as the line before it
    }
    last = line.time();
    return line;
  }

  private void closeChannel() throws IOException {
    partial.reset(); // a file ends with a newline: the writer writes whole lines
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  @Override
  public void close() {
    try {
      closeChannel();
    } catch (IOException e) {
      // read only
    }
  }
}
