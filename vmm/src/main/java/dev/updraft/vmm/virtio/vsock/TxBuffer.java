package dev.updraft.vmm.virtio.vsock;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Data from the guest that its host socket could not take yet, in a ring of {@value #SIZE} bytes
 * allocated on first use. Credit-based flow control keeps a well-behaved guest within it: the
 * connection advertises this size as its {@code buf_alloc}, and a guest that sends more than it was
 * given credit for overflows it and loses the connection.
 */
final class TxBuffer {
  /** The capacity, which is also the {@code buf_alloc} a connection advertises. */
  static final int SIZE = 64 * 1024;

  private ByteBuffer data;
  // Free-running counters; their difference is the bytes held.
  private int head;
  private int tail;

  int size() {
    return head - tail;
  }

  boolean isEmpty() {
    return head == tail;
  }

  /** Appends all of {@code src}, or nothing and false if it does not fit. */
  boolean push(ByteBuffer src) {
    int n = src.remaining();
    if (n > SIZE - size()) {
      return false;
    }
    if (data == null) {
      data = ByteBuffer.allocateDirect(SIZE);
    }
    int at = Integer.remainderUnsigned(head, SIZE);
    int first = Math.min(n, SIZE - at);
    data.put(at, src, src.position(), first);
    data.put(0, src, src.position() + first, n - first);
    src.position(src.position() + n);
    head += n;
    return true;
  }

  /**
   * Writes as much as the stream takes, at most two writes (the ring may wrap); returns the bytes
   * written.
   */
  int flushTo(HostStream stream) throws IOException {
    int flushed = 0;
    while (!isEmpty()) {
      int at = Integer.remainderUnsigned(tail, SIZE);
      int n = Math.min(size(), SIZE - at);
      int written = stream.write(data.slice(at, n));
      if (written <= 0) {
        break;
      }
      tail += written;
      flushed += written;
      if (written < n) {
        break;
      }
    }
    if (isEmpty()) {
      // Most connections never need the buffer again; give the 64 KiB back.
      data = null;
      head = 0;
      tail = 0;
    }
    return flushed;
  }

  void clear() {
    data = null;
    head = 0;
    tail = 0;
  }
}
