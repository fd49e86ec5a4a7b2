package dev.updraft.vmm.core;

import dev.updraft.sys.Epoll;
import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.Fd;
import dev.updraft.vmm.devices.Serial;
import dev.updraft.vmm.eventloop.EventLoop;
import java.nio.ByteBuffer;

/**
 * COM1's input from a host descriptor (the VMM's stdin), with back-pressure. Bytes are read when
 * the descriptor is readable, as far as the FIFO has room. With the FIFO full the descriptor is
 * parked (a level-triggered epoll would spin) until the guest has read the FIFO empty and the
 * serial device calls {@link #resume}.
 *
 * <p>Made before the {@link Serial}, which takes {@code resume} as its input-drained hook, then
 * given it by {@link #feed}: the device and its input each need the other.
 */
final class ConsoleInput {
  private final EventLoop loop;
  private final Fd in;
  private final ByteBuffer buffer = ByteBuffer.allocate(Serial.FIFO_SIZE);
  // Set by feed on the building thread before any vCPU thread starts (Thread.start orders it before
  // their calls to resume), never changed after.
  private boolean watched;

  ConsoleInput(EventLoop loop, Fd in) {
    this.loop = loop;
    this.in = in;
  }

  /** Starts reading into {@code serial}; without effect if {@code in} cannot be watched. */
  void feed(Serial serial) {
    try {
      loop.register(in, Epoll.EPOLLIN, ready -> read(serial));
      watched = true;
    } catch (ErrnoException e) {
      // A regular file or /dev/null cannot be watched with epoll (EPERM): no console input then.
    }
  }

  /** Re-arms a parked descriptor; run from a vCPU thread when the guest has emptied the FIFO. */
  void resume() {
    if (watched) {
      loop.execute(() -> loop.modify(in, Epoll.EPOLLIN));
    }
  }

  private void read(Serial serial) {
    int room = serial.fifoCapacity();
    if (room == 0) {
      loop.modify(in, 0);
      return;
    }
    buffer.clear().limit(room);
    int n;
    try {
      n = in.read(buffer);
    } catch (ErrnoException e) {
      n = -1;
    }
    if (n <= 0) {
      loop.unregister(in); // end of input, or an error reading it
      return;
    }
    serial.enqueue(buffer.array(), 0, n);
  }
}
