package dev.updraft.deploy.logs;

import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.sys.Fd;
import dev.updraft.sys.OpenFlags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;

/**
 * The file an instance's process writes its output to, and the collector that moves each complete
 * line from it into the instance's {@link StampedLog}, stamped when it is collected. The process
 * appends to the spool on its own, so it writes on while no supervisor runs (one killed and not yet
 * started again): the next one goes on from the offset this one recorded, and nothing is lost. What
 * was collected is punched out of the spool, which so stays small on disk however long the process
 * runs.
 */
public final class Spool {
  /** A line longer than this is stored in pieces: a log is for lines, not for dumps. */
  static final int MAX_LINE = 16 * 1024;

  private static final long PUNCH_EVERY = 1L << 20;
  private static final long BLOCK = 4096;

  private final Path spool;
  private final Path at;
  private final StampedLog log;
  private final Clock clock;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private long offset;
  private long punched;

  public Spool(Path log, Rotation rotation, Clock clock) {
    this.spool = of(log);
    this.at = spool.resolveSibling(spool.getFileName() + ".at");
    this.log = new StampedLog(log, rotation);
    this.clock = clock;
    this.offset = recorded(at);
  }

  /**
   * The spool of the stamped log {@code log}: {@code web-1a2b3c4d-1.out} beside its {@code .log}.
   */
  public static Path of(Path log) {
    String name = log.getFileName().toString();
    String base = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
    return log.resolveSibling(base + ".out");
  }

  /** The spool, made private if it is new, for a process to append to. */
  public Path file() {
    return PrivateFiles.touch(spool);
  }

  /** Moves every complete line written since the last call into the log; how many bytes it read. */
  public synchronized long collect() {
    if (!Files.exists(spool)) {
      return 0;
    }
    long read = 0;
    try (FileChannel in = FileChannel.open(spool, StandardOpenOption.READ)) {
      if (in.size() < offset) {
        offset = 0; // the spool was replaced: start over on the new one
      }
      Instant now = clock.instant();
      int n;
      while ((n = in.read(buffer.clear(), offset)) > 0) {
        offset += n;
        read += n;
        lines(buffer.array(), n, now);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("log spool " + spool + ": " + e.getMessage(), e);
    }
    if (read > 0) {
      // A line still being written is read again by the next collector, should this one die.
      PrivateFiles.write(at, Long.toString(offset - partial.size()));
      punch();
    }
    return read;
  }

  /** Collects what is left, the last line too even without its newline: the process has ended. */
  public synchronized void finish() {
    collect();
    if (partial.size() > 0) {
      byte[] rest = partial.toByteArray();
      partial.reset();
      log.append(clock.instant(), rest, 0, rest.length);
    }
  }

  public synchronized void close() {
    log.close();
  }

  private void lines(byte[] bytes, int length, Instant now) {
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        if (partial.size() == 0) {
          store(bytes, start, stripReturn(bytes, start, i), now, true);
        } else {
          partial.write(bytes, start, i - start);
          byte[] line = partial.toByteArray();
          partial.reset();
          store(line, 0, stripReturn(line, 0, line.length), now, true);
        }
        start = i + 1;
      }
    }
    partial.write(bytes, start, length - start);
    if (partial.size() >= MAX_LINE) {
      byte[] all = partial.toByteArray();
      partial.reset();
      int cut = store(all, 0, all.length, now, false);
      partial.write(all, cut, all.length - cut);
    }
  }

  /**
   * Stores {@code [from, to)} as lines of at most {@link #MAX_LINE} bytes; of a line not {@code
   * complete} yet, the rest below that size is left to wait for its end (where it starts is
   * returned).
   */
  private int store(byte[] bytes, int from, int to, Instant now, boolean complete) {
    int at = from;
    while (to - at >= MAX_LINE) {
      int cut = at + MAX_LINE;
      // A UTF-8 continuation byte (10xxxxxx) belongs to the character before it: cut before that.
      while (cut > at && (bytes[cut] & 0xC0) == 0x80) {
        cut--;
      }
      log.append(now, bytes, at, cut);
      at = cut;
    }
    if (at < to && complete) {
      log.append(now, bytes, at, to);
      return to;
    }
    return at;
  }

  private static int stripReturn(byte[] bytes, int from, int to) {
    return to > from && bytes[to - 1] == '\r' ? to - 1 : to;
  }

  /** Frees the whole blocks already collected; a file system without holes keeps them. */
  private void punch() {
    long upTo = offset / BLOCK * BLOCK;
    if (upTo - punched < PUNCH_EVERY) {
      return;
    }
    try (Fd fd = Fd.open(spool, OpenFlags.O_WRONLY)) {
      fd.punchHole(0, upTo);
      punched = upTo;
    } catch (RuntimeException e) {
      punched = Long.MAX_VALUE; // not supported here: the spool grows as a plain log would
    }
  }

  private static long recorded(Path at) {
    try {
      return Files.exists(at)
          ? Long.parseLong(Files.readString(at, StandardCharsets.US_ASCII).strip())
          : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }
}
