package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An {@code eventfd(2)} counter: the doorbell between threads and between KVM and user space
 * (ioeventfd for queue notifications, irqfd for interrupts).
 */
public final class EventFd implements AutoCloseable {
  public static final int EFD_SEMAPHORE = 1;
  public static final int EFD_NONBLOCK = OpenFlags.O_NONBLOCK;
  private static final int EFD_CLOEXEC = OpenFlags.O_CLOEXEC;

  private final Fd fd;
  // Reads and writes are 8 bytes; a per-thread buffer avoids an allocation per doorbell.
  private static final ThreadLocal<MemorySegment> BUFFER =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(ValueLayout.JAVA_LONG));

  private EventFd(Fd fd) {
    this.fd = fd;
  }

  /** A new eventfd with the given initial count and {@code EFD_*} flags. */
  public static EventFd create(int initialValue, int flags) {
    if (initialValue < 0) {
      throw new IllegalArgumentException("initialValue: " + initialValue + " (expected: >= 0)");
    }
    try {
      int result =
          (int)
              Libc.Events.EVENTFD.invokeExact(
                  Native.errnoState(), initialValue, flags | EFD_CLOEXEC);
      return new EventFd(Fd.adopt(Native.check("eventfd", result), "eventfd"));
    } catch (Throwable t) {
      throw Native.linkFailure("eventfd", t);
    }
  }

  /** A blocking eventfd starting at zero. */
  public static EventFd create() {
    return create(0, 0);
  }

  /** Adds {@code value} to the counter, waking any reader. */
  public void write(long value) {
    if (value <= 0) {
      throw new IllegalArgumentException("value: " + value + " (expected: > 0)");
    }
    MemorySegment data = BUFFER.get();
    data.set(ValueLayout.JAVA_LONG, 0, value);
    transfer(data, false);
  }

  /**
   * Reads and resets the counter (or takes one in semaphore mode). Blocks while it is zero, unless
   * the eventfd is non-blocking, in which case it throws an {@link ErrnoException} with EAGAIN.
   */
  public long read() {
    MemorySegment data = BUFFER.get();
    transfer(data, true);
    return data.get(ValueLayout.JAVA_LONG, 0);
  }

  /** For a non-blocking eventfd: reads and resets the counter, or returns 0 when it is zero. */
  public long tryRead() {
    try {
      return read();
    } catch (ErrnoException e) {
      if (e.errno() == Errno.EAGAIN) {
        return 0;
      }
      throw e;
    }
  }

  public Fd fd() {
    return fd;
  }

  @Override
  public void close() {
    fd.close();
  }

  private void transfer(MemorySegment data, boolean in) {
    long result;
    try {
      result =
          in
              ? (long) Libc.FileIo.READ.invokeExact(Native.errnoState(), fd.value(), data, 8L)
              : (long) Libc.FileIo.WRITE.invokeExact(Native.errnoState(), fd.value(), data, 8L);
    } catch (Throwable t) {
      throw Native.linkFailure(in ? "read" : "write", t);
    }
    Native.check((in ? "read" : "write") + "(eventfd)", result);
  }
}
