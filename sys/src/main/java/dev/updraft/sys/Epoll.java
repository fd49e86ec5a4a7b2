package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/** An {@code epoll(7)} instance: waits on many descriptors from one thread. */
public final class Epoll implements AutoCloseable {
  public static final int EPOLLIN = 0x001;
  public static final int EPOLLPRI = 0x002;
  public static final int EPOLLOUT = 0x004;
  public static final int EPOLLERR = 0x008;
  public static final int EPOLLHUP = 0x010;
  public static final int EPOLLRDHUP = 0x2000;
  public static final int EPOLLET = 1 << 31;

  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLL_CTL_MOD = 3;
  private static final int EPOLL_CLOEXEC = OpenFlags.O_CLOEXEC;

  // struct epoll_event is packed on x86-64: a 4-byte mask directly followed by 8 bytes of data.
  static final StructLayout EVENT =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_INT_UNALIGNED.withName("events"),
          ValueLayout.JAVA_LONG_UNALIGNED.withName("data"));

  private final Fd fd;

  private Epoll(Fd fd) {
    this.fd = fd;
  }

  public static Epoll create() {
    try {
      int result = (int) Libc.Events.EPOLL_CREATE1.invokeExact(Native.errnoState(), EPOLL_CLOEXEC);
      return new Epoll(Fd.adopt(Native.check("epoll_create1", result), "epoll"));
    } catch (Throwable t) {
      throw Native.linkFailure("epoll_create1", t);
    }
  }

  /** Watches {@code target} for {@code events}; {@code data} comes back with each event. */
  public void add(Fd target, int events, long data) {
    control(EPOLL_CTL_ADD, target, events, data, "EPOLL_CTL_ADD");
  }

  public void modify(Fd target, int events, long data) {
    control(EPOLL_CTL_MOD, target, events, data, "EPOLL_CTL_MOD");
  }

  public void remove(Fd target) {
    control(EPOLL_CTL_DEL, target, 0, 0, "EPOLL_CTL_DEL");
  }

  /**
   * Waits up to {@code timeoutMillis} (-1: forever, 0: poll) and fills {@code ready}; returns the
   * number of ready descriptors. A signal ends the wait with an EINTR {@link ErrnoException}.
   */
  public int await(Events ready, int timeoutMillis) {
    try {
      int result =
          (int)
              Libc.Events.EPOLL_WAIT.invokeExact(
                  Native.errnoState(), fd.value(), ready.segment, ready.capacity, timeoutMillis);
      ready.count = Native.check("epoll_wait", result);
      return ready.count;
    } catch (Throwable t) {
      throw Native.linkFailure("epoll_wait", t);
    }
  }

  public Fd fd() {
    return fd;
  }

  @Override
  public void close() {
    fd.close();
  }

  private void control(int op, Fd target, int events, long data, String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment event = arena.allocate(EVENT);
      event.set(ValueLayout.JAVA_INT_UNALIGNED, 0, events);
      event.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, data);
      int result =
          (int)
              Libc.Events.EPOLL_CTL.invokeExact(
                  Native.errnoState(), fd.value(), op, target.value(), event);
      Native.check("epoll_ctl(" + name + ", " + target.what() + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("epoll_ctl", t);
    }
  }

  /** A reusable buffer of ready events, filled by {@link #await}; owned by one thread. */
  public static final class Events implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment segment;
    private final int capacity;
    private int count;

    public Events(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
      }
      this.capacity = capacity;
      this.segment = arena.allocate(EVENT, capacity);
    }

    /** How many events the last wait returned. */
    public int count() {
      return count;
    }

    /** The ready mask ({@code EPOLLIN} ...) of event {@code i}. */
    public int events(int i) {
      return segment.get(ValueLayout.JAVA_INT_UNALIGNED, offset(i));
    }

    /** The data word registered with the descriptor of event {@code i}. */
    public long data(int i) {
      return segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset(i) + 4);
    }

    private long offset(int i) {
      if (i < 0 || i >= count) {
        throw new IndexOutOfBoundsException("event: " + i + " (expected: 0.." + (count - 1) + ")");
      }
      return i * EVENT.byteSize();
    }

    @Override
    public void close() {
      arena.close();
    }
  }
}
