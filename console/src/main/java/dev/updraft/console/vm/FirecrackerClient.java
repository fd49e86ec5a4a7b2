package dev.updraft.console.vm;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Firecracker API over its Unix socket, one request per connection: HTTP/1.1 from Netty's codec
 * on Netty's NIO domain-socket channel.
 */
public final class FirecrackerClient {
  /** A response: its status and body. */
  public record Reply(int status, String body) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  private final EventLoopGroup group;
  private final long timeoutMillis;

  public FirecrackerClient(EventLoopGroup group, long timeoutMillis) {
    this.group = group;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Sends {@code method path} with a JSON {@code body} (null: none) and waits for the reply.
   *
   * @throws VmException when the socket does not answer in time
   */
  public Reply call(Path socket, HttpMethod method, String path, String body) {
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioDomainSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(
                            new SimpleChannelInboundHandler<FullHttpResponse>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpResponse response) {
                                reply.complete(
                                    new Reply(
                                        response.status().code(),
                                        response.content().toString(StandardCharsets.UTF_8)));
                                ctx.close();
                              }

                              @Override
                              public void channelInactive(ChannelHandlerContext ctx) {
                                reply.completeExceptionally(
                                    new VmException(socket + ": closed without a response"));
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                reply.completeExceptionally(t);
                                ctx.close();
                              }
                            });
                  }
                });
    byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, method, path, Unpooled.wrappedBuffer(payload));
    request.headers().set(HttpHeaderNames.HOST, "localhost");
    request.headers().set(HttpHeaderNames.CONTENT_LENGTH, payload.length);
    if (body != null) {
      request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    }
    bootstrap
        .connect(UnixDomainSocketAddress.of(socket))
        .addListener(
            f -> {
              if (f.isSuccess()) {
                ((io.netty.channel.ChannelFuture) f).channel().writeAndFlush(request);
              } else {
                request.release();
                reply.completeExceptionally(f.cause());
              }
            });
    try {
      return reply.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VmException(socket + ": interrupted");
    } catch (TimeoutException e) {
      throw new VmException(socket + ": no response within " + timeoutMillis + " ms");
    } catch (ExecutionException e) {
      throw new VmException(socket + ": " + e.getCause().getMessage());
    }
  }
}
