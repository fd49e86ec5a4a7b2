package dev.updraft.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The client-side handler on an EmbeddedChannel: answers it gives without any backend. */
class DownstreamHandlerTest {
  private static EmbeddedChannel channel() {
    HttpContext context =
        new HttpContext(
            (request, ch) -> null,
            System::nanoTime,
            RandomGenerator.of("L64X128MixRandom"),
            "outbound",
            null);
    return new EmbeddedChannel(new DownstreamHandler(context, false));
  }

  @Test
  void aRequestNoRouteTakesGets404WithTheProxyError() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/nowhere"));
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(404);
    assertThat(response.headers().get(ProxyError.HEADER)).isEqualTo("no route for GET /nowhere");
    assertThat(ch.isOpen()).as("a 404 keeps the connection").isTrue();
    response.release();
  }

  @Test
  void grpcClientsGetATrailersOnlyAnswer() {
    EmbeddedChannel ch = channel();
    DefaultFullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/svc/M");
    request.headers().set("content-type", "application/grpc");
    ch.writeInbound(request);
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("grpc-status")).isEqualTo("12");
    response.release();
  }

  @Test
  void malformedRequestsAreRejectedAndTheConnectionClosed() {
    EmbeddedChannel ch = channel();
    HttpRequest bad = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    bad.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("too many headers")));
    ch.writeInbound(bad);
    ch.runPendingTasks();
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(431);
    assertThat(response.headers().get("connection")).isEqualTo("close");
    assertThat(ch.isOpen()).isFalse();
    response.release();
  }

  @Test
  void theBodyOfAnUnroutedRequestIsDropped() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload"));
    LastHttpContent body =
        new io.netty.handler.codec.http.DefaultLastHttpContent(
            io.netty.buffer.Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
    ch.writeInbound(body);
    assertThat(body.refCnt()).as("released").isZero();
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(404);
    response.release();
  }
}
