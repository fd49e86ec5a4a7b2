package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code userfaultfd(2)}: page faults on registered ranges of one process become events that
 * another thread or process resolves with {@link #copy} or {@link #zeroPage}. A snapshot restore
 * registers guest memory with one and hands it to an external page-fault handler, which adopts it
 * with {@link #adopt}.
 */
public final class Userfaultfd implements AutoCloseable {
  /** {@code UFFD_FEATURE_EVENT_REMOVE}: madvise(MADV_DONTNEED) on a range is reported. */
  public static final long FEATURE_EVENT_REMOVE = 1L << 3;

  private static final long SYS_USERFAULTFD = 323;
  private static final long UFFD_API = 0xAA;
  private static final int UFFDIO = 0xAA;
  static final long API_SIZE = 24;
  static final long REGISTER_SIZE = 32;
  static final long COPY_SIZE = 40;
  static final long ZEROPAGE_SIZE = 32;
  static final int MSG_SIZE = 32;
  static final Ioctl API = Ioctl.iowr("UFFDIO_API", UFFDIO, 0x3F, API_SIZE);
  static final Ioctl REGISTER = Ioctl.iowr("UFFDIO_REGISTER", UFFDIO, 0x00, REGISTER_SIZE);
  static final Ioctl COPY = Ioctl.iowr("UFFDIO_COPY", UFFDIO, 0x03, COPY_SIZE);
  static final Ioctl ZEROPAGE = Ioctl.iowr("UFFDIO_ZEROPAGE", UFFDIO, 0x04, ZEROPAGE_SIZE);
  private static final long REGISTER_MODE_MISSING = 1;
  static final int EVENT_PAGEFAULT = 0x12;
  static final int EVENT_REMOVE = 0x15;

  private final Fd fd;

  private Userfaultfd(Fd fd) {
    this.fd = fd;
  }

  /**
   * A new, non-blocking userfaultfd that also sees faults KVM takes on guest memory (not user-mode
   * only, which needs root or {@code vm.unprivileged_userfaultfd}), with {@code features} enabled.
   */
  public static Userfaultfd create(long features) {
    Fd fd;
    try {
      long result =
          (long)
              Libc.Memory.SYSCALL_INT.invokeExact(
                  Native.errnoState(), SYS_USERFAULTFD, OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK);
      fd = Fd.adopt((int) Native.check("userfaultfd", result), "userfaultfd");
    } catch (Throwable t) {
      throw Native.linkFailure("userfaultfd", t);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment api = arena.allocate(API_SIZE, 8);
      api.set(ValueLayout.JAVA_LONG, 0, UFFD_API);
      api.set(ValueLayout.JAVA_LONG, 8, features);
      fd.ioctl(API, api);
      return new Userfaultfd(fd);
    } catch (RuntimeException e) {
      fd.close();
      throw e;
    }
  }

  /** A userfaultfd another process created and sent over a socket (the handler's side). */
  public static Userfaultfd adopt(Fd fd) {
    return new Userfaultfd(Objects.requireNonNull(fd, "fd"));
  }

  /** Reports missing-page faults on {@code [address, address+length)} (page aligned). */
  public void register(long address, long length) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment register = arena.allocate(REGISTER_SIZE, 8);
      register.set(ValueLayout.JAVA_LONG, 0, address);
      register.set(ValueLayout.JAVA_LONG, 8, length);
      register.set(ValueLayout.JAVA_LONG, 16, REGISTER_MODE_MISSING);
      fd.ioctl(REGISTER, register);
    }
  }

  /**
   * {@code UFFDIO_COPY}: fills {@code length} bytes at {@code destination} (an address in the
   * faulting process) from {@code source} at {@code sourceOffset} and wakes the faulting thread.
   * Returns false if the kernel asked to retry (EAGAIN: a remove event is pending); a page that is
   * already there (EEXIST, two faults on one page) counts as done.
   */
  public boolean copy(long destination, MappedMemory source, long sourceOffset, long length) {
    Objects.checkFromIndexSize(sourceOffset, length, source.size());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment copy = arena.allocate(COPY_SIZE, 8);
      copy.set(ValueLayout.JAVA_LONG, 0, destination);
      copy.set(ValueLayout.JAVA_LONG, 8, source.address() + sourceOffset);
      copy.set(ValueLayout.JAVA_LONG, 16, length);
      return resolved(() -> fd.ioctl(COPY, copy));
    }
  }

  /** {@code UFFDIO_ZEROPAGE}: maps zero pages at {@code destination}; false means retry. */
  public boolean zeroPage(long destination, long length) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment zero = arena.allocate(ZEROPAGE_SIZE, 8);
      zero.set(ValueLayout.JAVA_LONG, 0, destination);
      zero.set(ValueLayout.JAVA_LONG, 8, length);
      return resolved(() -> fd.ioctl(ZEROPAGE, zero));
    }
  }

  private static boolean resolved(Runnable ioctl) {
    try {
      ioctl.run();
      return true;
    } catch (ErrnoException e) {
      if (e.errno() == Errno.EEXIST) {
        return true;
      }
      if (e.errno() == Errno.EAGAIN) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The next event, or empty when none is pending (the descriptor is non-blocking; wait for it to
   * be readable with {@link Epoll}).
   */
  public Optional<UffdEvent> readEvent() {
    ByteBuffer message = ByteBuffer.allocateDirect(MSG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    int read;
    try {
      read = fd.read(message);
    } catch (ErrnoException e) {
      if (e.wouldBlock()) {
        return Optional.empty();
      }
      throw e;
    }
    if (read != MSG_SIZE) {
      throw new IllegalStateException(
          "userfaultfd: read " + read + " bytes (expected: a " + MSG_SIZE + "-byte uffd_msg)");
    }
    int event = Byte.toUnsignedInt(message.get(0));
    return Optional.of(
        switch (event) {
          case EVENT_PAGEFAULT -> new UffdEvent.PageFault(message.getLong(16), message.getLong(8));
          case EVENT_REMOVE -> new UffdEvent.Remove(message.getLong(8), message.getLong(16));
          default -> new UffdEvent.Other(event);
        });
  }

  public Fd fd() {
    return fd;
  }

  @Override
  public void close() {
    fd.close();
  }
}
