package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.edge.EdgeException;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.ProxyError;
import dev.updraft.mesh.http.UpstreamException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bottom layer against an EmbeddedChannel upstream: framing, backpressure, release. */
class StreamTest {
  private final Fixture fixture = new Fixture();
  private final Recorder above = new Recorder();

  private Stream stream(Exchange exchange, FakeUpstream upstream) {
    exchange.upstream(upstream);
    Stream stream = new Stream(exchange, above);
    stream.start();
    return stream;
  }

  private static HttpResponse ok() {
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
  }

  private static HttpContent chunk(String text) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  @Test
  void aBodylessRequestGoesOutWithoutFramingHeadersAndEndsAtOnce() {
    FakeUpstream upstream = new FakeUpstream(false, true);
    stream(fixture.exchange(fixture.route(), Fixture.get("/"), false), upstream);
    HttpRequest head = upstream.channel.readOutbound();
    assertThat(head.headers().contains("transfer-encoding")).isFalse();
    assertThat(head.headers().contains("content-length")).isFalse();
    Object end = upstream.channel.readOutbound();
    assertThat(end).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(above.readRequests).as("no body is asked for").isZero();
    assertThat(upstream.reads).isEqualTo(1);
  }

  @Test
  void aBodylessRequestToHttp2IsOneHeadersFrameThatEndsTheStream() {
    FakeUpstream upstream = new FakeUpstream(true, false);
    stream(fixture.exchange(fixture.route(), Fixture.get("/"), false), upstream);
    FullHttpRequest full = upstream.channel.readOutbound();
    assertThat(full.content().isReadable()).isFalse();
    Object more = upstream.channel.readOutbound();
    assertThat(more).isNull();
  }

  @Test
  void aBodyIsAskedForOnlyWhileTheUpstreamTakesIt() {
    FakeUpstream upstream = new FakeUpstream(false, false);
    Stream stream = stream(fixture.exchange(fixture.route(), Fixture.post("/"), true), upstream);
    HttpRequest head = upstream.channel.readOutbound();
    assertThat(head.headers().get("transfer-encoding")).isEqualTo("chunked");
    assertThat(above.readRequests).isEqualTo(1);
    stream.requestContent(chunk("one"));
    assertThat(above.readRequests).isEqualTo(2);
    upstream.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    stream.requestContent(chunk("two"));
    assertThat(above.readRequests).as("the upstream is full").isEqualTo(2);
    upstream.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    upstream.listener.upstreamWritable(upstream);
    assertThat(above.readRequests).isEqualTo(3);
    stream.requestContent(new DefaultLastHttpContent());
    assertThat(above.readRequests).as("the body has ended").isEqualTo(3);
    upstream.channel.releaseOutbound();
  }

  @Test
  void aResponseStreamsUpAndTheConnectionReturnsToThePoolWhenBothEnded() {
    FakeUpstream upstream = new FakeUpstream(false, false);
    Stream stream = stream(fixture.exchange(fixture.route(), Fixture.get("/"), false), upstream);
    upstream.listener.upstreamRead(upstream, ok());
    stream.readResponse();
    upstream.listener.upstreamRead(upstream, new DefaultLastHttpContent());
    assertThat(above.events).hasSize(2);
    assertThat(upstream.reads).isEqualTo(2);
    assertThat(upstream.releasedReusable).isTrue();
    upstream.channel.releaseOutbound();
  }

  @Test
  void aResponseThatEndsBeforeTheRequestBodyClosesTheConnection() {
    FakeUpstream upstream = new FakeUpstream(false, false);
    stream(fixture.exchange(fixture.route(), Fixture.post("/"), true), upstream);
    upstream.listener.upstreamRead(upstream, ok());
    upstream.listener.upstreamRead(upstream, new DefaultLastHttpContent());
    assertThat(upstream.releasedReusable).isFalse();
    upstream.channel.releaseOutbound();
  }

  @Test
  void aCancelledBodyIsNeverCompleted() {
    FakeUpstream upstream = new FakeUpstream(false, false);
    Stream stream = stream(fixture.exchange(fixture.route(), Fixture.post("/"), true), upstream);
    stream.requestContent(chunk("half"));
    stream.cancel(new RuntimeException("gone"));
    HttpContent late = chunk("late");
    stream.requestContent(late);
    assertThat(late.refCnt()).as("released, not sent").isZero();
    assertThat(upstream.releasedReusable).isFalse();
    assertThat(upstream.channel.isOpen()).isFalse();
    Object written;
    while ((written = upstream.channel.readOutbound()) != null) {
      assertThat(written).isNotInstanceOf(LastHttpContent.class);
    }
  }

  @Test
  void aReusedConnectionThatClosesBeforeAnsweringIsStale() {
    FakeUpstream upstream = new FakeUpstream(false, true);
    stream(fixture.exchange(fixture.route(), Fixture.get("/"), false), upstream);
    upstream.listener.upstreamClosed(upstream);
    assertThat(above.failure)
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.isStaleConnection()).isTrue();
              assertThat(e.isConnectFailure()).isFalse();
            });
    upstream.channel.releaseOutbound();
  }

  @Test
  void anHttp2StreamTheServerRefusedFailsAsRefusedOnlyBeforeItsResponse() {
    FakeUpstream refused = new FakeUpstream(true, false);
    refused.refused = true;
    stream(fixture.exchange(fixture.route(), Fixture.post("/"), false), refused);
    refused.listener.upstreamClosed(refused);
    assertThat(((UpstreamException) above.failure).isRefused()).isTrue();
    refused.channel.releaseOutbound();

    Recorder later = new Recorder();
    FakeUpstream answered = new FakeUpstream(true, false);
    answered.refused = true;
    Exchange exchange = fixture.exchange(fixture.route(), Fixture.post("/"), false);
    exchange.upstream(answered);
    new Stream(exchange, later).start();
    answered.listener.upstreamRead(answered, ok());
    answered.listener.upstreamClosed(answered);
    assertThat(((UpstreamException) later.failure).isRefused()).isFalse();
    answered.channel.releaseOutbound();
  }

  @Test
  void aConnectionThatClosesMidResponseIsNotStale() {
    FakeUpstream upstream = new FakeUpstream(false, true);
    stream(fixture.exchange(fixture.route(), Fixture.get("/"), false), upstream);
    upstream.listener.upstreamRead(upstream, ok());
    upstream.listener.upstreamClosed(upstream);
    assertThat(((UpstreamException) above.failure).isStaleConnection()).isFalse();
    assertThat(above.failure.getMessage()).contains("while streaming the response");
    upstream.channel.releaseOutbound();
  }

  @Test
  void aMalformedResponseIsAFailureThatNoRetryTakesForAStaleConnection() {
    FakeUpstream upstream = new FakeUpstream(false, true);
    stream(fixture.exchange(fixture.route(), Fixture.get("/"), false), upstream);
    EdgeException refused = new EdgeException(502, "malformed response: status: 999");
    upstream.listener.upstreamFailed(upstream, refused);
    assertThat(above.events).containsExactly(above.failure);
    UpstreamException failure = (UpstreamException) above.failure;
    assertThat(failure.getCause()).isSameAs(refused);
    assertThat(failure.isStaleConnection()).as("the server answered: not a stale race").isFalse();
    assertThat(ProxyError.of(failure).label()).isEqualTo("MALFORMED_RESPONSE");
    assertThat(upstream.channel.isOpen()).isFalse();
    upstream.channel.releaseOutbound();
  }

  @Test
  void aSwitchingResponseHandsTheConnectionToTheClientSide() {
    FakeUpstream upstream = new FakeUpstream(false, false);
    HttpRequest upgrade = Fixture.get("/ws");
    upgrade.headers().set("upgrade", "websocket").set("connection", "upgrade");
    Exchange exchange = fixture.exchange(fixture.route(), upgrade, false);
    stream(exchange, upstream);
    HttpRequest sent = upstream.channel.readOutbound();
    assertThat(sent.headers().get("upgrade")).isEqualTo("websocket");
    upstream.listener.upstreamRead(
        upstream,
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
    assertThat(above.events.getFirst()).isInstanceOf(FullHttpResponse.class);
    Exchange.Upgrade handed = exchange.takeUpgrade();
    assertThat(handed.upstream()).isSameAs(upstream.channel);
    assertThat(upstream.releasedReusable).as("not pooled, not closed").isNull();
    upstream.channel.releaseOutbound();
  }
}
