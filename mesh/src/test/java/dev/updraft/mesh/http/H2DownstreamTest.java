package dev.updraft.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.http.ScriptedStack.Call;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An HTTP/2 client's codec talks to the proxy's H2Downstream, in memory. */
class H2DownstreamTest {
  /** The client's side: opens streams and keeps the frames that come back. */
  private static final class Client extends Http2ChannelDuplexHandler {
    final List<Http2StreamFrame> frames = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2StreamFrame frame) {
        frames.add(frame);
      }
      ReferenceCountUtil.release(msg);
    }
  }

  private final ScriptedStack stack = ScriptedStack.create();
  private final List<Call> calls = stack.calls;
  private final H2Downstream downstream;
  private final EmbeddedChannel proxy;
  private final Client client = new Client();
  private final EmbeddedChannel clientChannel =
      new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), client);

  H2DownstreamTest() {
    HttpContext context = stack.context(true);
    downstream =
        H2Downstream.create(
            context, Duration.ofSeconds(30), Http2Settings.defaultSettings(), Duration.ZERO);
    proxy = new EmbeddedChannel(downstream);
    shuttle();
  }

  @AfterEach
  void close() {
    clientChannel.finishAndReleaseAll();
    proxy.finishAndReleaseAll();
  }

  /** Moves bytes between the two ends until neither has any to send. */
  private void shuttle() {
    boolean moved = true;
    while (moved) {
      moved = false;
      clientChannel.flushOutbound();
      proxy.flushOutbound();
      ByteBuf bytes;
      while ((bytes = clientChannel.readOutbound()) != null) {
        proxy.writeInbound(bytes);
        moved = true;
      }
      while ((bytes = proxy.readOutbound()) != null) {
        clientChannel.writeInbound(bytes);
        moved = true;
      }
    }
  }

  private Http2FrameStream request(Http2Headers headers, boolean endStream) {
    Http2FrameStream stream = client.newStream();
    clientChannel.writeOutbound(new DefaultHttp2HeadersFrame(headers, endStream).stream(stream));
    shuttle();
    return stream;
  }

  private static Http2Headers post(String path) {
    return new DefaultHttp2Headers().method("POST").path(path).scheme("http").authority("a");
  }

  private int unconsumed(Http2FrameStream stream) {
    return downstream
        .connection()
        .local()
        .flowController()
        .unconsumedBytes(downstream.connection().stream(stream.id()));
  }

  @Test
  void theBodyWaitsForTheExchangeAndItsCreditFollowsWhatTheExchangeTook() {
    Http2FrameStream stream = request(post("/up"), false);
    for (int i = 0; i < 3; i++) {
      clientChannel.writeOutbound(
          new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[10_000]), false)
              .stream(stream));
    }
    shuttle();
    Call call = calls.getFirst();
    assertThat(call.body).isEmpty();
    assertThat(unconsumed(stream)).isEqualTo(30_000);

    call.up.readRequest();
    shuttle();
    assertThat(call.body).hasSize(1);
    assertThat(call.body.getFirst().content().readableBytes()).isEqualTo(10_000);
    assertThat(unconsumed(stream)).isEqualTo(20_000);
    call.body.forEach(HttpContent::release);
  }

  @Test
  void aMalformedRequestIsResetWhileTheConnectionServesItsOtherStreams() {
    Http2FrameStream bad = request(post("/has space").method("GET"), true);
    assertThat(calls).isEmpty();
    assertThat(client.frames)
        .singleElement()
        .satisfies(
            frame -> {
              assertThat(frame.stream().id()).isEqualTo(bad.id());
              assertThat(((Http2ResetFrame) frame).errorCode())
                  .isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            });

    Http2FrameStream good = request(post("/fine").method("GET"), true);
    Call call = calls.getFirst();
    call.up.responseHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    call.up.responseContent(new DefaultLastHttpContent(Unpooled.copiedBuffer("ok".getBytes())));
    shuttle();
    assertThat(client.frames.get(1)).isInstanceOf(Http2HeadersFrame.class);
    assertThat(((Http2HeadersFrame) client.frames.get(1)).headers().status().toString())
        .isEqualTo("200");
    assertThat(client.frames.get(1).stream().id()).isEqualTo(good.id());
    assertThat(proxy.isActive()).isTrue();
  }

  @Test
  void aClientResetCancelsTheExchange() {
    Http2FrameStream stream = request(post("/up"), false);
    clientChannel.writeOutbound(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream));
    shuttle();
    assertThat(calls.getFirst().cancelled).isInstanceOf(CancelledByClient.class);
  }
}
