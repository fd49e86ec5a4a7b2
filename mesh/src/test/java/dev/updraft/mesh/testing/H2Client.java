package dev.updraft.mesh.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An HTTP/2 (prior knowledge) client for tests: one request per stream, frames collected. */
public final class H2Client implements AutoCloseable {
  /** What came back on a stream. */
  public record Response(
      Http2Headers headers, byte[] body, Http2Headers trailers, List<byte[]> frames) {
    public int status() {
      return Integer.parseInt(headers.status().toString());
    }

    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String trailer(String name) {
      CharSequence v = trailers == null ? headers.get(name) : trailers.get(name);
      return v == null ? null : v.toString();
    }
  }

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel parent;

  public H2Client(int port) throws InterruptedException {
    this(port, true);
  }

  /**
   * @param validateHeaders false to send what a test wrote (uppercase names, connection fields,
   *     missing pseudo-headers) instead of refusing it on this side
   */
  public H2Client(int port, boolean validateHeaders) throws InterruptedException {
    parent =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient()
                                .validateHeaders(validateHeaders)
                                .build())
                        .addLast(
                            new Http2MultiplexHandler(
                                new SimpleChannelInboundHandler<Object>() {
                                  @Override
                                  protected void channelRead0(
                                      ChannelHandlerContext ctx, Object msg) {}
                                }));
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** Sends a request (GET when body is null) and waits for the whole response. */
  public Response request(String method, String path, Http2Headers extra, byte[] body)
      throws Exception {
    CompletableFuture<Response> result = new CompletableFuture<>();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(parent)
            .handler(new Collector(result))
            .open()
            .sync()
            .getNow();
    Http2Headers headers =
        new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("test");
    if (extra != null) {
      headers.add(extra);
    }
    boolean hasBody = body != null;
    stream.write(new DefaultHttp2HeadersFrame(headers, !hasBody));
    if (hasBody) {
      stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
    }
    stream.flush();
    return result.get(20, TimeUnit.SECONDS);
  }

  /**
   * Sends {@code headers} as they are (and {@code body}, if not null) on a new stream and says how
   * the stream ended: {@code status N}, {@code reset CODE} or {@code closed}.
   */
  public String outcome(Http2Headers headers, String body) throws Exception {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(parent)
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2HeadersFrame h && h.headers().status() != null) {
                      outcome.complete("status " + h.headers().status());
                    }
                    ReferenceCountUtil.release(msg);
                  }

                  @Override
                  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof Http2ResetFrame reset) {
                      outcome.complete("reset " + reset.errorCode());
                    }
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    outcome.complete("closed");
                  }
                })
            .open()
            .sync()
            .getNow();
    stream.write(new DefaultHttp2HeadersFrame(headers, body == null));
    if (body != null) {
      stream.write(
          new DefaultHttp2DataFrame(
              Unpooled.copiedBuffer(body, java.nio.charset.StandardCharsets.US_ASCII), true));
    }
    stream.flush();
    return outcome.get(10, TimeUnit.SECONDS);
  }

  /** Whether the connection is still open. */
  public boolean connected() {
    return parent.isActive();
  }

  /** Opens a stream, sends a request without ending it, and returns the stream to reset. */
  public Http2StreamChannel openStream(String path, Http2Headers extra) throws Exception {
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(parent)
            .handler(new Collector(new CompletableFuture<>()))
            .open()
            .sync()
            .getNow();
    Http2Headers headers =
        new DefaultHttp2Headers().method("POST").path(path).scheme("http").authority("test");
    headers.add(extra);
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).sync();
    return stream;
  }

  private static final class Collector extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private final CompletableFuture<Response> result;
    private Http2Headers headers;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final List<byte[]> frames = new ArrayList<>();

    Collector(CompletableFuture<Response> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      if (frame instanceof Http2HeadersFrame h) {
        if (headers == null) {
          headers = h.headers();
          if (h.isEndStream()) {
            result.complete(new Response(headers, new byte[0], null, frames));
          }
        } else {
          result.complete(new Response(headers, body.toByteArray(), h.headers(), frames));
        }
      } else if (frame instanceof Http2DataFrame d) {
        ByteBuf content = d.content();
        byte[] bytes = ByteBufUtil.getBytes(content);
        frames.add(bytes);
        body.writeBytes(bytes);
        if (d.isEndStream()) {
          result.complete(new Response(headers, body.toByteArray(), null, frames));
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new IllegalStateException("stream closed before the end"));
    }
  }

  @Override
  public void close() {
    parent.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
