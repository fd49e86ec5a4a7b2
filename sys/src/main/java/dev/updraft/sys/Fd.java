package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open file descriptor that this object owns and closes. Reads and writes take {@link
 * ByteBuffer}s: direct buffers go to the kernel without a copy, heap buffers through a short-lived
 * native copy.
 */
public final class Fd implements AutoCloseable {
  private static final int SEEK_DATA = 3;
  private static final int SEEK_HOLE = 4;
  private static final int FALLOC_FL_KEEP_SIZE = 0x01;
  private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
  private final String what;
  // -1 once closed, so that a second close() cannot close a number the process has reused.
  private final AtomicInteger fd;

  private Fd(int fd, String what) {
    this.fd = new AtomicInteger(fd);
    this.what = what;
  }

  /** Opens {@code path} with {@link OpenFlags} (O_CLOEXEC is always added). */
  public static Fd open(Path path, int flags) {
    return open(path, flags, 0);
  }

  /** Opens or creates {@code path}; {@code mode} applies when O_CREAT creates it. */
  public static Fd open(Path path, int flags, int mode) {
    Objects.requireNonNull(path, "path");
    String call = "open(" + path + ")";
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cPath = arena.allocateFrom(path.toString());
      int result =
          (int)
              Libc.FileIo.OPEN.invokeExact(
                  Native.errnoState(), cPath, flags | OpenFlags.O_CLOEXEC, mode);
      return new Fd(Native.check(call, result), path.toString());
    } catch (Throwable t) {
      throw Native.linkFailure("open", t);
    }
  }

  /** Takes ownership of a descriptor that a system call returned, e.g. from KVM_CREATE_VM. */
  public static Fd adopt(int fd, String what) {
    if (fd < 0) {
      throw new IllegalArgumentException("fd: " + fd + " (expected: >= 0)");
    }
    return new Fd(fd, Objects.requireNonNull(what, "what"));
  }

  /** {@code memfd_create(2)}: an anonymous file in memory, e.g. for shareable guest RAM. */
  public static Fd memfd(String name, int flags) {
    String call = "memfd_create(" + name + ")";
    try (Arena arena = Arena.ofConfined()) {
      int result =
          (int)
              Libc.Memory.MEMFD_CREATE.invokeExact(
                  Native.errnoState(), arena.allocateFrom(name), flags | MemFdFlags.MFD_CLOEXEC);
      return new Fd(Native.check(call, result), "memfd:" + name);
    } catch (Throwable t) {
      throw Native.linkFailure("memfd_create", t);
    }
  }

  /** The descriptor number, or -1 once closed. */
  public int value() {
    return fd.get();
  }

  public boolean isOpen() {
    return fd.get() >= 0;
  }

  /** What this descriptor refers to, for messages. */
  public String what() {
    return what;
  }

  /** {@code read(2)} into the buffer's remaining space; returns 0 at end of file. */
  public int read(ByteBuffer dst) {
    return transfer(dst, true, -1, "read");
  }

  /** {@code write(2)} from the buffer's remaining bytes; returns how many were written. */
  public int write(ByteBuffer src) {
    return transfer(src, false, -1, "write");
  }

  /** {@code pread(2)}: reads at {@code offset} without moving the file position. */
  public int pread(ByteBuffer dst, long offset) {
    requireOffset(offset);
    return transfer(dst, true, offset, "pread");
  }

  /** {@code pwrite(2)}: writes at {@code offset} without moving the file position. */
  public int pwrite(ByteBuffer src, long offset) {
    requireOffset(offset);
    return transfer(src, false, offset, "pwrite");
  }

  /** {@code ioctl(2)} with an integer argument (or none: pass 0). Returns the call's result. */
  public int ioctl(Ioctl request, long arg) {
    try {
      int result =
          (int)
              Libc.Ioctls.IOCTL_LONG.invokeExact(
                  Native.errnoState(), fd.get(), request.number(), arg);
      return checkIoctl(request, result);
    } catch (Throwable t) {
      throw Native.linkFailure("ioctl", t);
    }
  }

  /**
   * {@code ioctl(2)} with a pointer to a struct. Only sys packages can build the segment, which is
   * what keeps native memory out of the other modules.
   */
  public int ioctl(Ioctl request, MemorySegment arg) {
    try {
      int result =
          (int)
              Libc.Ioctls.IOCTL_PTR.invokeExact(
                  Native.errnoState(), fd.get(), request.number(), arg);
      return checkIoctl(request, result);
    } catch (Throwable t) {
      throw Native.linkFailure("ioctl", t);
    }
  }

  // KVM_RUN goes through here on every exit: build the call's name only when it failed.
  private static int checkIoctl(Ioctl request, int result) {
    if (result == -1) {
      throw new ErrnoException("ioctl(" + request.name() + ")", Native.lastErrno());
    }
    return result;
  }

  /** {@code ftruncate(2)}. */
  public void truncate(long size) {
    requireOffset(size);
    try {
      int result = (int) Libc.Positional.FTRUNCATE.invokeExact(Native.errnoState(), fd.get(), size);
      Native.check("ftruncate(" + what + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("ftruncate", t);
    }
  }

  /**
   * {@code fallocate(PUNCH_HOLE | KEEP_SIZE)}: frees the blocks of {@code [offset, offset +
   * length)} while the file keeps its size and its other bytes; the range reads as zeros. A file
   * written by another process that only appends (a log spool) stays bounded on disk this way,
   * which a truncation would not do without losing what it wrote in between.
   */
  public void punchHole(long offset, long length) {
    requireOffset(offset);
    requireOffset(length);
    try {
      int result =
          (int)
              Libc.Positional.FALLOCATE.invokeExact(
                  Native.errnoState(),
                  fd.get(),
                  FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
                  offset,
                  length);
      Native.check("fallocate(" + what + ", PUNCH_HOLE)", result);
    } catch (Throwable t) {
      throw Native.linkFailure("fallocate", t);
    }
  }

  /**
   * {@code lseek(SEEK_DATA)}: the first offset at or after {@code from} that holds data, or -1 if
   * only a hole (or the end of the file) follows. Sparse files (a diff snapshot's memory file) keep
   * their unwritten ranges as holes.
   */
  public long seekData(long from) {
    return seek(from, SEEK_DATA, "SEEK_DATA");
  }

  /** {@code lseek(SEEK_HOLE)}: the first hole at or after {@code from}; the end counts as one. */
  public long seekHole(long from) {
    return seek(from, SEEK_HOLE, "SEEK_HOLE");
  }

  private long seek(long from, int whence, String name) {
    requireOffset(from);
    try {
      long result =
          (long) Libc.Positional.LSEEK.invokeExact(Native.errnoState(), fd.get(), from, whence);
      if (result == -1 && Native.lastErrno() == Errno.ENXIO) {
        return -1; // no data (or no hole) before the end of the file
      }
      return Native.check("lseek(" + what + ", " + name + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("lseek", t);
    }
  }

  /** {@code fsync(2)}: data and metadata reach stable storage. */
  public void fsync() {
    sync(Libc.Positional.FSYNC, "fsync");
  }

  /** {@code fdatasync(2)}: data reaches stable storage; metadata only if needed to read it. */
  public void fdatasync() {
    sync(Libc.Positional.FDATASYNC, "fdatasync");
  }

  private void sync(MethodHandle function, String name) {
    try {
      int result = (int) function.invokeExact(Native.errnoState(), fd.get());
      Native.check(name + "(" + what + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure(name, t);
    }
  }

  /** Closes the descriptor once; later calls do nothing. */
  @Override
  public void close() {
    int number = fd.getAndSet(-1);
    if (number < 0) {
      return;
    }
    try {
      int result = (int) Libc.FileIo.CLOSE.invokeExact(Native.errnoState(), number);
      // After close(2) fails the descriptor is released anyway (Linux), so there is no retry.
      Native.check("close(" + what + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("close", t);
    }
  }

  @Override
  public String toString() {
    return "Fd[" + fd.get() + " " + what + "]";
  }

  private int transfer(ByteBuffer buffer, boolean in, long offset, String name) {
    Objects.requireNonNull(buffer, "buffer");
    if (in && buffer.isReadOnly()) {
      throw new IllegalArgumentException("buffer: read-only (expected: a writable buffer)");
    }
    int count = buffer.remaining();
    if (buffer.isDirect()) {
      int done = transfer(MemorySegment.ofBuffer(buffer), count, in, offset, name);
      buffer.position(buffer.position() + done);
      return done;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bounce = arena.allocate(Math.max(count, 1));
      if (!in) {
        MemorySegment.copy(MemorySegment.ofBuffer(buffer), 0, bounce, 0, count);
      }
      int done = transfer(bounce, count, in, offset, name);
      if (in) {
        MemorySegment.copy(bounce, 0, MemorySegment.ofBuffer(buffer), 0, done);
      }
      buffer.position(buffer.position() + done);
      return done;
    }
  }

  private int transfer(MemorySegment data, long count, boolean in, long offset, String name) {
    int number = fd.get();
    long result;
    try {
      MemorySegment state = Native.errnoState();
      if (offset < 0) {
        result =
            in
                ? (long) Libc.FileIo.READ.invokeExact(state, number, data, count)
                : (long) Libc.FileIo.WRITE.invokeExact(state, number, data, count);
      } else {
        result =
            in
                ? (long) Libc.Positional.PREAD.invokeExact(state, number, data, count, offset)
                : (long) Libc.Positional.PWRITE.invokeExact(state, number, data, count, offset);
      }
    } catch (Throwable t) {
      throw Native.linkFailure(name, t);
    }
    return (int) Native.check(name + "(" + what + ")", result);
  }

  private static void requireOffset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
    }
  }
}
