package dev.updraft.vmm.telemetry;

import dev.updraft.sys.Fd;
import dev.updraft.sys.OpenFlags;
import dev.updraft.sys.SysException;
import dev.updraft.vmm.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A file or FIFO opened non-blocking, as Firecracker opens its log and metrics paths. Opening a
 * FIFO read-write succeeds without a reader and keeps the pipe from ever signalling EPIPE, so a
 * FIFO nobody reads simply fills up; from then on writes fail with EAGAIN and lines are dropped
 * instead of stalling the thread that logs (a vCPU, the API).
 */
public final class FileSink implements LineSink {
  // A regular file goes through NIO (no FFM call to link at start-up); a FIFO needs O_NONBLOCK,
  // which only the sys layer gives.
  private final Fd fd;
  private final FileChannel file;
  // What a pipe took only part of: written before anything else so lines are never interleaved.
  private byte[] pending;
  private boolean closed;

  private FileSink(Fd fd, FileChannel file) {
    this.fd = fd;
    this.file = file;
  }

  /**
   * Opens {@code path} for appending, creating a regular file if there is none.
   *
   * @param field the configuration field that named the path, for the error message
   * @throws ConfigException if the path cannot be opened for writing
   */
  public static FileSink open(String field, Path path) {
    if (!Files.exists(path) || Files.isRegularFile(path)) {
      try {
        return new FileSink(
            null,
            FileChannel.open(
                path,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
      } catch (IOException e) {
        throw ConfigException.of(
            field, path, "a file or FIFO this process can write: " + reason(e));
      }
    }
    try {
      int flags = OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK | OpenFlags.O_APPEND | OpenFlags.O_CREAT;
      return new FileSink(Fd.open(path, flags, 0644), null);
    } catch (SysException e) {
      throw ConfigException.of(
          field, path, "a file or FIFO this process can write: " + e.getMessage());
    }
  }

  private static String reason(IOException e) {
    return switch (e) {
      case java.nio.file.NoSuchFileException n -> "ENOENT, no such file or directory";
      case java.nio.file.AccessDeniedException a -> "EACCES, permission denied";
      default -> e.getMessage();
    };
  }

  @Override
  public synchronized boolean write(byte[] line) {
    if (closed) {
      return false;
    }
    if (pending != null) {
      int done = writeSome(pending);
      if (done < pending.length) {
        if (done > 0) {
          pending = Arrays.copyOfRange(pending, done, pending.length);
        }
        return false;
      }
      pending = null;
    }
    int done = writeSome(line);
    if (done <= 0) {
      return false;
    }
    if (done < line.length) {
      pending = Arrays.copyOfRange(line, done, line.length);
    }
    return true;
  }

  /** Writes as much of {@code bytes} as the destination takes now; returns how much that was. */
  private int writeSome(byte[] bytes) {
    int done = 0;
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    try {
      while (buffer.hasRemaining()) {
        int written = file != null ? file.write(buffer) : fd.write(buffer);
        if (written <= 0) {
          break;
        }
        done += written;
      }
    } catch (SysException | IOException e) {
      // EAGAIN (the pipe is full), ENOSPC, EIO...: whatever is left is for a later attempt.
    }
    return done;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (file != null) {
        file.close();
      } else {
        fd.close();
      }
    } catch (SysException | IOException e) {
      // The descriptor is released either way; nothing useful to do with the error.
    }
  }
}
