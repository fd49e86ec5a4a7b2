package dev.updraft.mesh.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC-shaped HTTP/2 server for tests: echoes each length-prefixed message {@code x-repeat} times
 * and ends with trailers carrying {@code grpc-status} (from {@code x-grpc-status}, or 0). With
 * {@code x-fail-first: N} the first N requests end in UNAVAILABLE (14).
 */
public final class GrpcServer implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger closedUnanswered = new AtomicInteger();

  public GrpcServer() throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(Http2FrameCodecBuilder.forServer().build())
                        .addLast(
                            new Http2MultiplexHandler(
                                new ChannelInitializer<Http2StreamChannel>() {
                                  @Override
                                  protected void initChannel(Http2StreamChannel stream) {
                                    stream.pipeline().addLast(new Handler());
                                  }
                                }));
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public int requests() {
    return requests.get();
  }

  /** Streams that ended (reset) before this server answered them (requests with x-hang). */
  public int closedUnanswered() {
    return closedUnanswered.get();
  }

  /** A message in gRPC's length-prefixed framing. */
  public static byte[] frame(String message) {
    byte[] payload = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuf buf =
        Unpooled.buffer(5 + payload.length)
            .writeByte(0)
            .writeInt(payload.length)
            .writeBytes(payload);
    return io.netty.buffer.ByteBufUtil.getBytes(buf);
  }

  private final class Handler extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private Http2Headers request;
    private final ByteBuf received = Unpooled.buffer();
    private boolean answered;

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!answered && request != null && request.contains("x-hang")) {
        closedUnanswered.incrementAndGet();
      }
      ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      if (frame instanceof Http2HeadersFrame h) {
        request = h.headers();
        if (h.isEndStream()) {
          respond(ctx);
        }
      } else if (frame instanceof Http2DataFrame d) {
        received.writeBytes(d.content());
        if (d.isEndStream()) {
          respond(ctx);
        }
      }
    }

    private void respond(ChannelHandlerContext ctx) {
      if (request.contains("x-hang")) {
        return; // never answers: the client must give up (and reset the stream)
      }
      answered = true;
      int n = requests.incrementAndGet();
      int repeat = header("x-repeat", 1);
      int status = header("x-grpc-status", 0);
      if (n <= header("x-fail-first", 0)) {
        status = 14;
      }
      ctx.write(
          new DefaultHttp2HeadersFrame(
              new DefaultHttp2Headers().status("200").set("content-type", "application/grpc"),
              false));
      if (status == 0) {
        for (int i = 0; i < repeat; i++) {
          ctx.write(new DefaultHttp2DataFrame(received.retainedDuplicate(), false));
        }
      }
      ctx.writeAndFlush(
          new DefaultHttp2HeadersFrame(
              new DefaultHttp2Headers()
                  .set("grpc-status", Integer.toString(status))
                  .set("grpc-message", status == 0 ? "OK" : "failed on purpose"),
              true));
      received.release();
    }

    private int header(String name, int fallback) {
      CharSequence v = request.get(name);
      return v == null ? fallback : Integer.parseInt(v.toString());
    }
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
