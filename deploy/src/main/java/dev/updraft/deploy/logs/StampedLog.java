package dev.updraft.deploy.logs;

import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An instance's log as stored: each line behind the time it was written, in a private file that is
 * rotated by size ({@code x.log} becomes {@code x.log.1}, the oldest beyond the rotation's count is
 * deleted). Rotation renames, so a reader that holds the old file open reads it to its end first.
 */
public final class StampedLog implements AutoCloseable {
  /** Rotated files a reader looks for: more than any rotation keeps. */
  public static final int MAX_GENERATIONS = 100;

  private final Path file;
  private final Rotation rotation;
  private FileChannel channel;
  private long size;

  public StampedLog(Path file, Rotation rotation) {
    this.file = file;
    this.rotation = rotation;
  }

  /** Where the log of {@code rotated} files back is: 0 the current one. */
  public static Path generation(Path file, int rotated) {
    return rotated == 0 ? file : file.resolveSibling(file.getFileName() + "." + rotated);
  }

  /** Appends one line (its bytes, without the newline) stamped with {@code time}. */
  public synchronized void append(Instant time, byte[] line, int from, int to) {
    byte[] stamp = (LogLine.stamp(time) + " ").getBytes(StandardCharsets.US_ASCII);
    int length = stamp.length + (to - from) + 1;
    try {
      if (channel == null) {
        open();
      }
      if (size > 0 && size + length > rotation.maxBytes()) {
        rotate();
      }
      ByteBuffer buffer = ByteBuffer.allocate(length);
      buffer.put(stamp).put(line, from, to - from).put((byte) '\n').flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      size += length;
    } catch (IOException e) {
      throw new UncheckedIOException("log " + file + ": " + e.getMessage(), e);
    }
  }

  private void open() throws IOException {
    channel =
        PrivateFiles.channel(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size();
  }

  private void rotate() throws IOException {
    channel.close();
    channel = null;
    int last = rotation.files() - 1;
    if (last == 0) {
      Files.delete(file);
    } else {
      Files.deleteIfExists(generation(file, last));
      for (int i = last - 1; i >= 0; i--) {
        Path from = generation(file, i);
        if (Files.exists(from)) {
          Files.move(from, generation(file, i + 1), StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
    open();
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing buffered: every append went to the file
      }
      channel = null;
    }
  }
}
