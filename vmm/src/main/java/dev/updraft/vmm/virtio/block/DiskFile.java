package dev.updraft.vmm.virtio.block;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The host file behind a drive. A read-only drive's file is opened without write access, so no bug
 * and no guest can change it. The capacity is the file size in whole 512-byte sectors, read once at
 * open (a trailing partial sector is not part of the disk, as in Firecracker).
 */
final class DiskFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final long sectors;

  private DiskFile(Path path, FileChannel channel, long sectors) {
    this.path = path;
    this.channel = channel;
    this.sectors = sectors;
  }

  /** Opens {@code path}; a failure names the path and the reason. */
  static DiskFile open(Path path, boolean readOnly) {
    FileChannel channel = null;
    try {
      channel =
          readOnly
              ? FileChannel.open(path, StandardOpenOption.READ)
              : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      return new DiskFile(path, channel, channel.size() / VirtioBlock.SECTOR_SIZE);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      closeQuietly(channel);
      throw new IllegalArgumentException(
          "path_on_host: "
              + path
              + " (expected: a "
              + (readOnly ? "readable" : "readable and writable")
              + " file: "
              + e
              + ")",
          e);
    }
  }

  Path path() {
    return path;
  }

  long sectors() {
    return sectors;
  }

  /** Fills {@code dst} from {@code offset}; a file that ends first is an error. */
  void read(long offset, ByteBuffer dst) throws IOException {
    long position = offset;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, position);
      if (n < 0) {
        throw new EOFException(path + ": ends before offset " + position);
      }
      position += n;
    }
  }

  /** Writes all of {@code src} at {@code offset}. */
  void write(long offset, ByteBuffer src) throws IOException {
    long position = offset;
    while (src.hasRemaining()) {
      position += channel.write(src, position);
    }
  }

  /** Makes everything written so far durable (fsync). */
  void flush() throws IOException {
    channel.force(true);
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // FileChannel writes reach the kernel at once: close has nothing left to lose.
    }
  }
}
