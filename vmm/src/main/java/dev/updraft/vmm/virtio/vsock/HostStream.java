package dev.updraft.vmm.virtio.vsock;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The host end of one vsock connection: a connected, non-blocking stream socket (a Unix socket in
 * the VMM, an in-memory pipe in tests). Calls never block.
 */
public interface HostStream extends AutoCloseable {
  /** What {@link #read} and {@link #write} return when the call would have to wait. */
  int WOULD_BLOCK = -1;

  /** Reads into {@code dst}'s remaining space: bytes read, 0 at end of stream, or WOULD_BLOCK. */
  int read(ByteBuffer dst) throws IOException;

  /** Writes from {@code src}'s remaining bytes: bytes written, or WOULD_BLOCK. */
  int write(ByteBuffer src) throws IOException;

  /** Closes the stream; the peer reads end of stream. Never throws. */
  @Override
  void close();
}
