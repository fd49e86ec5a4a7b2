package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Socket calls the JDK and Netty do not offer: the original destination of a connection that
 * netfilter redirected (transparent proxying), and the raw socket calls needed to test it.
 */
public final class Sockets {
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int SOCK_STREAM = 1;
  public static final int SOL_IP = 0;
  public static final int SOL_SOCKET = 1;
  public static final int SOL_IPV6 = 41;
  public static final int SO_TYPE = 3;
  public static final int SO_REUSEADDR = 2;

  /** {@code SO_ORIGINAL_DST} (linux/netfilter_ipv4.h), also {@code IP6T_SO_ORIGINAL_DST}. */
  public static final int SO_ORIGINAL_DST = 80;

  private static final int SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
  private static final int SOCKADDR_STORAGE = 128;
  private static final ValueLayout.OfShort NET_SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private Sockets() {}

  /**
   * The address a client dialled before a netfilter REDIRECT or DNAT rule sent the connection to
   * this socket. Without such a rule the kernel answers ENOENT (no conntrack entry).
   *
   * @param fd a connected TCP socket, e.g. Netty's {@code EpollSocketChannel.fd().intValue()}
   */
  public static InetSocketAddress originalDestination(int fd) {
    // An IPv4 client of a dual-stack (AF_INET6) socket has an IPv4 conntrack entry, which only
    // the IPv4 call finds (Linkerd's orig_dst.rs does the same).
    InetSocketAddress local = localAddress(fd);
    int level = local.getAddress() instanceof Inet6Address ? SOL_IPV6 : SOL_IP;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment address = arena.allocate(SOCKADDR_STORAGE);
      MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
      length.set(ValueLayout.JAVA_INT, 0, SOCKADDR_STORAGE);
      int result =
          (int)
              Libc.Net.GETSOCKOPT.invokeExact(
                  Native.errnoState(), fd, level, SO_ORIGINAL_DST, address, length);
      Native.check("getsockopt(SO_ORIGINAL_DST)", result);
      return decode(address);
    } catch (Throwable t) {
      throw Native.linkFailure("getsockopt", t);
    }
  }

  /** {@code getsockopt(2)} for an int-valued option. */
  public static int getIntOption(int fd, int level, int option) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
      length.set(ValueLayout.JAVA_INT, 0, 4);
      int result =
          (int)
              Libc.Net.GETSOCKOPT.invokeExact(
                  Native.errnoState(), fd, level, option, value, length);
      Native.check("getsockopt(" + level + ", " + option + ")", result);
      return value.get(ValueLayout.JAVA_INT, 0);
    } catch (Throwable t) {
      throw Native.linkFailure("getsockopt", t);
    }
  }

  /** The local address of a bound socket ({@code getsockname(2)}). */
  public static InetSocketAddress localAddress(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      return decode(sockname(arena, fd));
    }
  }

  /**
   * A listening IPv4 TCP socket made in the calling thread's network namespace (the JDK binds
   * sockets the same way, so a thread that entered another namespace listens there).
   */
  public static Fd listenTcp4(InetSocketAddress bindAddress, int backlog) {
    if (!(bindAddress.getAddress() instanceof Inet4Address ip)) {
      throw new IllegalArgumentException(
          "bindAddress: " + bindAddress + " (expected: an IPv4 address)");
    }
    Fd socket = socket(AF_INET, SOCK_STREAM);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment address = arena.allocate(16);
      address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
      address.set(NET_SHORT, 2, (short) bindAddress.getPort());
      MemorySegment.copy(ip.getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
      int bound = (int) Libc.Net.BIND.invokeExact(Native.errnoState(), socket.value(), address, 16);
      Native.check("bind(" + bindAddress + ")", bound);
      int listening =
          (int) Libc.Net.LISTEN.invokeExact(Native.errnoState(), socket.value(), backlog);
      Native.check("listen(" + bindAddress + ")", listening);
      return socket;
    } catch (Throwable t) {
      socket.close();
      throw Native.linkFailure("bind/listen", t);
    }
  }

  /** Accepts one connection from a listening socket, blocking until a client connects. */
  public static Fd accept(Fd listener) {
    try {
      int result =
          (int)
              Libc.Net.ACCEPT4.invokeExact(
                  Native.errnoState(),
                  listener.value(),
                  MemorySegment.NULL,
                  MemorySegment.NULL,
                  SOCK_CLOEXEC);
      return Fd.adopt(Native.check("accept4(" + listener.what() + ")", result), "tcp connection");
    } catch (Throwable t) {
      throw Native.linkFailure("accept4", t);
    }
  }

  private static Fd socket(int family, int type) {
    try {
      int result =
          (int) Libc.Net.SOCKET.invokeExact(Native.errnoState(), family, type | SOCK_CLOEXEC, 0);
      return Fd.adopt(Native.check("socket", result), "tcp socket");
    } catch (Throwable t) {
      throw Native.linkFailure("socket", t);
    }
  }

  private static MemorySegment sockname(Arena arena, int fd) {
    MemorySegment address = arena.allocate(SOCKADDR_STORAGE);
    MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
    length.set(ValueLayout.JAVA_INT, 0, SOCKADDR_STORAGE);
    try {
      int result = (int) Libc.Net.GETSOCKNAME.invokeExact(Native.errnoState(), fd, address, length);
      Native.check("getsockname", result);
      return address;
    } catch (Throwable t) {
      throw Native.linkFailure("getsockname", t);
    }
  }

  private static InetSocketAddress decode(MemorySegment address) {
    int family = Short.toUnsignedInt(address.get(ValueLayout.JAVA_SHORT, 0));
    int port = Short.toUnsignedInt(address.get(NET_SHORT, 2));
    try {
      return switch (family) {
        case AF_INET -> new InetSocketAddress(InetAddress.getByAddress(bytes(address, 4, 4)), port);
        case AF_INET6 -> {
          byte[] ip = bytes(address, 8, 16);
          int scope = address.get(ValueLayout.JAVA_INT, 24);
          InetAddress host =
              scope == 0
                  ? InetAddress.getByAddress(ip)
                  : Inet6Address.getByAddress(null, ip, scope);
          yield new InetSocketAddress(host, port);
        }
        default ->
            throw new IllegalStateException(
                "sockaddr family: " + family + " (expected: AF_INET or AF_INET6)");
      };
    } catch (UnknownHostException e) {
      throw new IllegalStateException("malformed socket address from the kernel", e);
    }
  }

  private static byte[] bytes(MemorySegment segment, long offset, int length) {
    return segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
  }
}
