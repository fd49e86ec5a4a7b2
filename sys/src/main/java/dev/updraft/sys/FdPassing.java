package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Passing a file descriptor to another process over a Unix socket ({@code SCM_RIGHTS}), which the
 * JDK's channels cannot do and the userfaultfd hand-over of a snapshot restore needs. Meant for
 * {@link UnixSockets.Mode#BLOCKING} sockets: on a non-blocking one, a call that would block fails
 * with EAGAIN.
 */
public final class FdPassing {
  private static final int SOL_SOCKET = 1;
  private static final int SCM_RIGHTS = 1;
  private static final int MSG_CMSG_CLOEXEC = 0x4000_0000;
  private static final int MSG_CTRUNC = 0x8;
  // struct msghdr and struct iovec on x86-64 (checked by SyscallLayoutsTest's C probe).
  static final long MSGHDR_SIZE = 56;
  static final long MSG_IOV = 16;
  static final long MSG_IOVLEN = 24;
  static final long MSG_CONTROL = 32;
  static final long MSG_CONTROLLEN = 40;
  static final long MSG_FLAGS = 48;
  static final long IOVEC_SIZE = 16;
  // CMSG_LEN(sizeof(int)) and CMSG_SPACE(sizeof(int)): a 16-byte cmsghdr, then the descriptor.
  static final long CMSG_LEN_INT = 20;
  static final long CMSG_SPACE_INT = 24;
  static final long CMSG_DATA = 16;

  /** What {@link #receiveWithFd} read: the bytes, and the descriptor if one came with them. */
  public record Received(byte[] data, Fd fd) {
    public Received {
      Objects.requireNonNull(data, "data");
    }
  }

  private FdPassing() {}

  /** Sends {@code data} with {@code passed} attached as {@code SCM_RIGHTS}, in one message. */
  public static void sendWithFd(Fd socket, byte[] data, Fd passed) {
    if (data.length == 0) {
      throw new IllegalArgumentException(
          "data: empty (expected: at least one byte to carry the fd)");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = arena.allocate(data.length);
      MemorySegment.copy(data, 0, bytes, ValueLayout.JAVA_BYTE, 0, data.length);
      MemorySegment control = arena.allocate(CMSG_SPACE_INT, 8);
      control.set(ValueLayout.JAVA_LONG, 0, CMSG_LEN_INT);
      control.set(ValueLayout.JAVA_INT, 8, SOL_SOCKET);
      control.set(ValueLayout.JAVA_INT, 12, SCM_RIGHTS);
      control.set(ValueLayout.JAVA_INT, CMSG_DATA, passed.value());
      MemorySegment message = message(arena, bytes, data.length, control);
      long sent =
          (long) Libc.Net.SENDMSG.invokeExact(Native.errnoState(), socket.value(), message, 0);
      Native.check("sendmsg(" + socket.what() + ")", sent);
      if (sent != data.length) {
        throw new IllegalStateException(
            "sendmsg(" + socket.what() + "): sent " + sent + " of " + data.length + " bytes");
      }
    } catch (Throwable t) {
      throw Native.linkFailure("sendmsg", t);
    }
  }

  /**
   * Reads one message of at most {@code maxBytes} and the descriptor sent with it, if any (made
   * close-on-exec). An empty {@code data} means the peer closed the connection.
   */
  public static Received receiveWithFd(Fd socket, int maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = arena.allocate(maxBytes);
      MemorySegment control = arena.allocate(CMSG_SPACE_INT, 8);
      MemorySegment message = message(arena, bytes, maxBytes, control);
      long read =
          (long)
              Libc.Net.RECVMSG.invokeExact(
                  Native.errnoState(), socket.value(), message, MSG_CMSG_CLOEXEC);
      Native.check("recvmsg(" + socket.what() + ")", read);
      byte[] data = bytes.asSlice(0, read).toArray(ValueLayout.JAVA_BYTE);
      long controlLength = message.get(ValueLayout.JAVA_LONG, MSG_CONTROLLEN);
      int flags = message.get(ValueLayout.JAVA_INT, MSG_FLAGS);
      Fd fd = null;
      if (controlLength >= CMSG_LEN_INT
          && control.get(ValueLayout.JAVA_INT, 8) == SOL_SOCKET
          && control.get(ValueLayout.JAVA_INT, 12) == SCM_RIGHTS) {
        fd = Fd.adopt(control.get(ValueLayout.JAVA_INT, CMSG_DATA), "fd from " + socket.what());
      }
      if ((flags & MSG_CTRUNC) != 0 && fd == null) {
        throw new IllegalStateException(
            "recvmsg(" + socket.what() + "): the descriptors sent did not fit (MSG_CTRUNC)");
      }
      return new Received(data, fd);
    } catch (Throwable t) {
      throw Native.linkFailure("recvmsg", t);
    }
  }

  private static MemorySegment message(
      Arena arena, MemorySegment bytes, long length, MemorySegment control) {
    MemorySegment iov = arena.allocate(IOVEC_SIZE, 8);
    iov.set(ValueLayout.ADDRESS, 0, bytes);
    iov.set(ValueLayout.JAVA_LONG, 8, length);
    MemorySegment message = arena.allocate(MSGHDR_SIZE, 8);
    message.set(ValueLayout.ADDRESS, MSG_IOV, iov);
    message.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
    message.set(ValueLayout.ADDRESS, MSG_CONTROL, control);
    message.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
    return message;
  }
}
