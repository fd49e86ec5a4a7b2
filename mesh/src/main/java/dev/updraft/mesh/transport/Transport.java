package dev.updraft.mesh.transport;

import dev.updraft.sys.Sockets;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The Netty transport: native epoll where it loads (Linux, x86-64), NIO otherwise. Only epoll
 * exposes socket descriptors, so transparent mode (SO_ORIGINAL_DST) needs it.
 */
public final class Transport {
  // One pooled arena per event loop with 1 MiB chunks: a proxy holds few buffers at a time, so
  // small chunks keep resident memory low without slowing the hot path (Netty's default 4.2
  // adaptive allocator measured slower and larger here; see docs/mesh/performance.md).
  private static final ByteBufAllocator ALLOCATOR =
      new PooledByteBufAllocator(
          true, 1, Math.max(1, Runtime.getRuntime().availableProcessors()), 8192, 7, 0, 0, true);

  // SOL_SOCKET (1) / SO_MARK (36) from <asm-generic/socket.h>; setting it needs CAP_NET_ADMIN.
  private static final IntegerUnixChannelOption SO_MARK =
      new IntegerUnixChannelOption("SO_MARK", 1, 36);

  private final boolean epoll;

  private Transport(boolean epoll) {
    this.epoll = epoll;
  }

  /** Epoll if available, unless {@code preferNio}. */
  public static Transport select(boolean preferNio) {
    return new Transport(!preferNio && Epoll.isAvailable());
  }

  public boolean isEpoll() {
    return epoll;
  }

  public String name() {
    return epoll ? "epoll" : "nio";
  }

  public EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
  }

  /** Applies an SO_MARK to an outgoing connection's bootstrap (epoll only; null: none). */
  public void mark(Bootstrap bootstrap, Integer mark) {
    if (mark != null && epoll) {
      bootstrap.option(SO_MARK, mark);
    }
  }

  /** The buffer allocator every channel of the proxy uses. */
  public ByteBufAllocator allocator() {
    return ALLOCATOR;
  }

  public Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends Channel> channel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /**
   * The address the client dialled before netfilter redirected it here, when the channel is an
   * epoll socket and a REDIRECT/DNAT rule applied; empty otherwise.
   */
  public static Optional<InetSocketAddress> originalDestination(Channel channel) {
    if (!(channel instanceof EpollSocketChannel socket)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Sockets.originalDestination(socket.fd().intValue()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
