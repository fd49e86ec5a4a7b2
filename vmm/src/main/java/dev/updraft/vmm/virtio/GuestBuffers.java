package dev.updraft.vmm.virtio;

import dev.updraft.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.util.List;

/** Copies between host buffers and a run of descriptors, never past the end of a descriptor. */
public final class GuestBuffers {
  private GuestBuffers() {}

  /** The sum of the lengths of {@code buffers}. */
  public static long length(List<Descriptor> buffers) {
    long total = 0;
    for (Descriptor d : buffers) {
      total += d.length();
    }
    return total;
  }

  /**
   * Copies the buffers' bytes, one after another, into {@code dst} until it is full or the buffers
   * end; returns how many were copied.
   */
  public static int gather(GuestMemory memory, List<Descriptor> buffers, ByteBuffer dst) {
    int copied = 0;
    for (Descriptor d : buffers) {
      if (!dst.hasRemaining()) {
        break;
      }
      int n = Math.min(d.length(), dst.remaining());
      dst.put(memory.slice(d.address(), n));
      copied += n;
    }
    return copied;
  }

  /**
   * Copies {@code src} into the buffers, one after another, until {@code src} is drained or the
   * buffers are full; returns how many bytes were written.
   */
  public static int scatter(GuestMemory memory, List<Descriptor> buffers, ByteBuffer src) {
    int written = 0;
    for (Descriptor d : buffers) {
      if (!src.hasRemaining()) {
        break;
      }
      int n = Math.min(d.length(), src.remaining());
      memory.slice(d.address(), n).put(src.slice(src.position(), n));
      src.position(src.position() + n);
      written += n;
    }
    return written;
  }
}
