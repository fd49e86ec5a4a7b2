package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Unix stream sockets as raw descriptors, which the JDK's channels keep to themselves: non-blocking
 * ones an epoll loop can watch (vsock), blocking ones that pass a descriptor ({@link FdPassing}).
 * Reads and writes that would block return {@link #WOULD_BLOCK} instead of throwing, because on a
 * busy socket that is the normal way a drain ends; writes never raise SIGPIPE (MSG_NOSIGNAL), a
 * peer that went away is an EPIPE like any other error.
 */
public final class UnixSockets {
  /** Whether calls on the socket wait (a one-shot hand-over) or not (an event loop). */
  public enum Mode {
    BLOCKING,
    NON_BLOCKING
  }

  /** What {@link #recv}, {@link #send} and {@link #accept} report when the call would block. */
  public static final int WOULD_BLOCK = -1;

  /** The longest path {@code sockaddr_un.sun_path} holds, without its terminating NUL. */
  public static final int MAX_PATH_BYTES = 107;

  private static final int AF_UNIX = 1;
  private static final int SOCK_STREAM = 1;
  private static final int SOCK_NONBLOCK = 0x800;
  private static final int SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int MSG_NOSIGNAL = 0x4000;
  private static final int SHUT_WR = 1;
  private static final int SOCKADDR_UN_SIZE = 110;

  private UnixSockets() {}

  /**
   * A socket bound to {@code path} and listening. Fails (EADDRINUSE) if anything exists at the
   * path, as bind(2) does.
   */
  public static Fd listen(Path path, int backlog, Mode mode) {
    Fd socket = socket(path, mode);
    String call = "bind(" + path + ")";
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment address = address(arena, path);
      int bound =
          (int)
              Libc.Net.BIND.invokeExact(
                  Native.errnoState(), socket.value(), address, SOCKADDR_UN_SIZE);
      Native.check(call, bound);
      call = "listen(" + path + ")";
      int listening =
          (int) Libc.Net.LISTEN.invokeExact(Native.errnoState(), socket.value(), backlog);
      Native.check(call, listening);
      return socket;
    } catch (Throwable t) {
      socket.close();
      throw Native.linkFailure(call, t);
    }
  }

  /**
   * The next pending connection of a non-blocking listening socket, itself non-blocking; null if
   * there is none.
   */
  public static Fd accept(Fd listener) {
    int result;
    try {
      result =
          (int)
              Libc.Net.ACCEPT4.invokeExact(
                  Native.errnoState(),
                  listener.value(),
                  MemorySegment.NULL,
                  MemorySegment.NULL,
                  SOCK_NONBLOCK | SOCK_CLOEXEC);
    } catch (Throwable t) {
      throw Native.linkFailure("accept4", t);
    }
    if (result == -1 && wouldBlock(Native.lastErrno())) {
      return null;
    }
    return Fd.adopt(Native.check("accept4(" + listener.what() + ")", result), listener.what());
  }

  /**
   * A socket connected to the listener at {@code path}. A non-blocking Unix connect completes at
   * once or fails: ENOENT or ECONNREFUSED when nobody listens, EAGAIN when its backlog is full.
   */
  public static Fd connect(Path path, Mode mode) {
    Fd socket = socket(path, mode);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment address = address(arena, path);
      int result =
          (int)
              Libc.Net.CONNECT.invokeExact(
                  Native.errnoState(), socket.value(), address, SOCKADDR_UN_SIZE);
      Native.check("connect(" + path + ")", result);
      return socket;
    } catch (Throwable t) {
      socket.close();
      throw Native.linkFailure("connect", t);
    }
  }

  /**
   * {@code recv(2)} into the buffer's remaining space without blocking, whatever the socket's mode:
   * the bytes read, 0 at end of stream, or {@link #WOULD_BLOCK}.
   */
  public static int recv(Fd socket, ByteBuffer dst) {
    if (dst.isReadOnly()) {
      throw new IllegalArgumentException("dst: read-only (expected: a writable buffer)");
    }
    return transfer(socket, dst, true);
  }

  /** {@code send(2)} of the buffer's remaining bytes without blocking or SIGPIPE. */
  public static int send(Fd socket, ByteBuffer src) {
    return transfer(socket, src, false);
  }

  /** {@code shutdown(SHUT_WR)}: the peer reads end of stream once it has read what was sent. */
  public static void shutdownOutput(Fd socket) {
    try {
      int result =
          (int) Libc.Net.SHUTDOWN.invokeExact(Native.errnoState(), socket.value(), SHUT_WR);
      Native.check("shutdown(" + socket.what() + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("shutdown", t);
    }
  }

  private static int transfer(Fd socket, ByteBuffer buffer, boolean in) {
    Objects.requireNonNull(buffer, "buffer");
    int count = buffer.remaining();
    int done;
    if (buffer.isDirect()) {
      done = call(socket, MemorySegment.ofBuffer(buffer), count, in);
    } else {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment bounce = arena.allocate(Math.max(count, 1));
        if (!in) {
          MemorySegment.copy(MemorySegment.ofBuffer(buffer), 0, bounce, 0, count);
        }
        done = call(socket, bounce, count, in);
        if (in && done > 0) {
          MemorySegment.copy(bounce, 0, MemorySegment.ofBuffer(buffer), 0, done);
        }
      }
    }
    if (done > 0) {
      buffer.position(buffer.position() + done);
    }
    return done;
  }

  private static int call(Fd socket, MemorySegment data, long count, boolean in) {
    long result;
    try {
      result =
          in
              ? (long)
                  Libc.Net.RECV.invokeExact(
                      Native.errnoState(), socket.value(), data, count, MSG_DONTWAIT)
              : (long)
                  Libc.Net.SEND.invokeExact(
                      Native.errnoState(),
                      socket.value(),
                      data,
                      count,
                      MSG_DONTWAIT | MSG_NOSIGNAL);
    } catch (Throwable t) {
      throw Native.linkFailure(in ? "recv" : "send", t);
    }
    if (result == -1 && wouldBlock(Native.lastErrno())) {
      return WOULD_BLOCK;
    }
    return (int) Native.check((in ? "recv(" : "send(") + socket.what() + ")", result);
  }

  private static boolean wouldBlock(int errno) {
    return errno == Errno.EAGAIN;
  }

  private static Fd socket(Path path, Mode mode) {
    Objects.requireNonNull(path, "path");
    int type =
        switch (Objects.requireNonNull(mode, "mode")) {
          case BLOCKING -> SOCK_STREAM | SOCK_CLOEXEC;
          case NON_BLOCKING -> SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
        };
    try {
      int result = (int) Libc.Net.SOCKET.invokeExact(Native.errnoState(), AF_UNIX, type, 0);
      return Fd.adopt(Native.check("socket(AF_UNIX)", result), path.toString());
    } catch (Throwable t) {
      throw Native.linkFailure("socket", t);
    }
  }

  /** A {@code sockaddr_un} for {@code path}, which must fit {@code sun_path}. */
  private static MemorySegment address(Arena arena, Path path) {
    byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > MAX_PATH_BYTES) {
      throw new IllegalArgumentException(
          "unix socket path: "
              + path
              + " is "
              + bytes.length
              + " bytes (expected: 1 to "
              + MAX_PATH_BYTES
              + ")");
    }
    MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
    MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, 2, bytes.length);
    return address;
  }
}
