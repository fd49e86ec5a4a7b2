package dev.updraft.vmm.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API's HTTP/1.1 server on a Unix domain socket. It runs on the event loop group it is given;
 * with one thread, that thread is also the VMM thread, so requests are handled one at a time, in
 * arrival order, like Firecracker's. At most {@link #MAX_CONNECTIONS} clients are served at once;
 * more get Firecracker's 503 and are closed, so a client cannot use up the VMM's descriptors.
 */
final class ApiServer implements AutoCloseable {
  static final int MAX_CONNECTIONS = 10;

  private static final byte[] SERVER_FULL =
      ("HTTP/1.1 503\r\nServer: Firecracker API\r\nConnection: close\r\nContent-Length: 40\r\n\r\n"
              + "{ \"error\": \"Too many open connections\" }")
          .getBytes(StandardCharsets.US_ASCII);

  private final Channel channel;
  private final Path socket;

  private ApiServer(Channel channel, Path socket) {
    this.channel = channel;
    this.socket = socket;
  }

  /**
   * Binds {@code socket} and starts serving.
   *
   * @throws ApiServerException if the path exists (Firecracker refuses too) or cannot be bound
   */
  static ApiServer start(
      Path socket, int maxPayload, RequestHandler dispatcher, EventLoopGroup group) {
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      throw new ApiServerException(
          "Failed to open the API socket at "
              + socket
              + ": the path already exists (another VMM may be using it; remove it if not)");
    }
    AtomicInteger connections = new AtomicInteger();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerDomainSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.closeFuture().addListener(f -> connections.decrementAndGet());
                    if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                      ch.pipeline().addLast(new ServerFull());
                      return;
                    }
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpServerExpectContinueHandler())
                        .addLast(new ApiChannelHandler(dispatcher, maxPayload));
                  }
                });
    // Bound and listening under a private name first, then linked into place: a client that
    // sees the path can connect (bind and listen are two system calls, and a loaded machine runs
    // a client between them), and link(2), unlike rename(2), never replaces a path that appeared.
    Path binding =
        socket.resolveSibling(socket.getFileName() + ".binding-" + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(binding);
      Channel channel = bootstrap.bind(UnixDomainSocketAddress.of(binding)).sync().channel();
      try {
        Files.createLink(socket, binding);
      } catch (IOException e) {
        channel.close().awaitUninterruptibly();
        throw new ApiServerException("Failed to open the API socket at " + socket + ": " + e);
      } finally {
        Files.deleteIfExists(binding);
      }
      return new ApiServer(channel, socket);
    } catch (IOException e) {
      throw new ApiServerException("Failed to open the API socket at " + socket + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiServerException("Interrupted while opening the API socket at " + socket);
    } catch (RuntimeException e) {
      throw new ApiServerException("Failed to open the API socket at " + socket + ": " + e);
    }
  }

  /** Stops accepting, closes the listening socket and removes its path. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // Best effort at exit: a leftover socket file only makes the next start refuse the path.
    }
  }

  private static final class ServerFull extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(SERVER_FULL))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
