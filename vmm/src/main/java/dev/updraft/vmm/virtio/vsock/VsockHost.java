package dev.updraft.vmm.virtio.vsock;

import java.io.IOException;
import java.time.Duration;
import java.util.function.IntConsumer;

/**
 * The host side of the vsock device, Firecracker's Unix-socket convention: a listening socket at
 * {@code uds_path} for host-initiated connections, and {@code <uds_path>_<port>} for the guest's.
 * The VMM implements it over Unix sockets and its epoll loop; tests over in-memory pipes.
 *
 * <p>Callbacks run on the host's event loop, one at a time; the device takes its lock in the
 * callbacks it passes. {@link #accept} and {@link #connect} are called from those callbacks. The
 * other calls, and {@link HostStream#close()}, may also come from a vCPU thread (a driver that
 * resets or activates the device): the host carries them out on its event loop, in call order.
 */
public interface VsockHost {
  /** Readiness bits for {@link #watch}: data or end of stream to read. */
  int READABLE = 1;

  /** Readiness bits for {@link #watch}: room to write. */
  int WRITABLE = 2;

  /** Calls {@code onConnection} whenever a host process connects to {@code uds_path}. */
  void listen(Runnable onConnection);

  /** Stops calling the listen callback; pending connections stay queued in the socket. */
  void stopListening();

  /** The next connection a host process made to {@code uds_path}, or null if there is none. */
  HostStream accept() throws IOException;

  /**
   * Connects to the host process listening at {@code <uds_path>_<port>}.
   *
   * @throws IOException if nobody listens there
   */
  HostStream connect(long port) throws IOException;

  /**
   * Calls {@code onReady} with the {@link #READABLE}/{@link #WRITABLE} bits that became true, for
   * the bits in {@code interest} (level-triggered: again while they stay true). An interest of 0
   * stops watching. Replaces any earlier watch of the same stream. Hang-ups and errors are reported
   * as the bits watched, so the next read or write finds them.
   */
  void watch(HostStream stream, int interest, IntConsumer onReady);

  /** Runs {@code task} once after {@code delay}. */
  void schedule(Duration delay, Runnable task);

  /** The clock {@link #schedule} counts in, nanoseconds. */
  long nanoTime();
}
