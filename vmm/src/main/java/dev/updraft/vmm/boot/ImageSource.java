package dev.updraft.vmm.boot;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The bytes of a kernel or initrd image, read at absolute offsets straight into guest memory
 * buffers, so a 50 MB vmlinux is never copied through the Java heap.
 */
public interface ImageSource {
  /** The image length in bytes. */
  long size() throws IOException;

  /** Fills {@code dst} from {@code offset}; an image that ends first throws EOFException. */
  void read(long offset, ByteBuffer dst) throws IOException;

  /** An image held in memory, as tests and small guests use. */
  static ImageSource of(byte[] bytes) {
    byte[] image = Objects.requireNonNull(bytes, "bytes");
    return new ImageSource() {
      @Override
      public long size() {
        return image.length;
      }

      @Override
      public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset > image.length - dst.remaining()) {
          throw new EOFException("image ends at " + image.length);
        }
        dst.put(image, (int) offset, dst.remaining());
      }
    };
  }

  /** An image in an open file; the caller keeps ownership of the channel. */
  static ImageSource of(FileChannel channel) {
    Objects.requireNonNull(channel, "channel");
    return new ImageSource() {
      @Override
      public long size() throws IOException {
        return channel.size();
      }

      @Override
      public void read(long offset, ByteBuffer dst) throws IOException {
        long position = offset;
        while (dst.hasRemaining()) {
          int n = channel.read(dst, position);
          if (n < 0) {
            throw new EOFException("image ends at " + position);
          }
          position += n;
        }
      }
    };
  }
}
