package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.RecordingBackend;
import dev.updraft.mesh.testing.TestProxy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Malformed HTTP/2 requests (RFC 9113 section 8.1.1) on one connection: each bad stream is reset
 * with PROTOCOL_ERROR and never reaches the backend, and a good stream on the same connection still
 * gets its answer.
 */
class Http2MalformedIT {
  /** A request sent without any client-side checks, and what came back: a status or a reset. */
  private static String send(Channel parent, Http2Headers headers, String body) throws Exception {
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
          new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII), true));
    }
    stream.flush();
    return outcome.get(10, TimeUnit.SECONDS);
  }

  private static Http2Headers request(String path) {
    return new DefaultHttp2Headers(false).method("GET").scheme("http").authority("a").path(path);
  }

  @Test
  void aBadStreamIsResetAndTheConnectionServesTheNext() throws Exception {
    Http2Headers[] malformed = {
      request("/upper").add("X-Upper", "1"),
      request("/connection").add("connection", "keep-alive"),
      request("/te").add("te", "gzip"),
      request("/transfer-encoding").add("transfer-encoding", "chunked"),
      new DefaultHttp2Headers(false).method("GET").scheme("http").authority("a"),
      new DefaultHttp2Headers(false).scheme("http").authority("a").path("/no-method"),
      request("relative"),
      request("/host").add("host", "b"),
      request("/ctl\u0001"),
      request("/duplicate").add(":path", "/again"),
    };
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (RecordingBackend backend = RecordingBackend.ok();
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                eventLoops: 1
                listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
                backends: [{name: b, endpoints: ["%s"]}]
                """
                    .formatted(backend.address()))) {
      Channel parent =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(
                              Http2FrameCodecBuilder.forClient().validateHeaders(false).build())
                          .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                  })
              .connect("127.0.0.1", proxy.port())
              .sync()
              .channel();
      for (Http2Headers headers : malformed) {
        assertThat(send(parent, headers, null)).as(headers.toString()).isEqualTo("reset 1");
      }
      Http2Headers longer = request("/length").method("POST").add("content-length", "5");
      assertThat(send(parent, longer, "abc")).isEqualTo("reset 1");
      assertThat(send(parent, request("/good"), null)).isEqualTo("status 200");
      assertThat(parent.isActive()).isTrue();
      assertThat(backend.received()).startsWith("GET /good ").doesNotContain("/upper");
      parent.close();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
