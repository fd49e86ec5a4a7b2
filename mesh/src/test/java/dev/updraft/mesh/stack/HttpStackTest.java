package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.Protocol;
import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.Route;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole stack over fake endpoint clients: every layer in its place. */
class HttpStackTest {
  private final Fixture fixture = new Fixture();
  private final Recorder client = new Recorder();

  private HttpCall start(Route route, HttpRequest request) {
    Exchange exchange = fixture.exchange(route, request, false);
    HttpCall call = HttpStack.build().newCall(exchange, client);
    call.start();
    return call;
  }

  @Test
  void aGetGoesThroughEveryLayerAndItsConnectionBackToThePool() {
    Route route = fixture.route();
    start(route, Fixture.get("/"));
    FakeClient endpoint = fixture.clients.getFirst();
    FakeUpstream upstream = new FakeUpstream(false, false);
    endpoint.last().callback().acquired(upstream);
    Object head = upstream.channel.readOutbound();
    assertThat(head).isInstanceOf(HttpRequest.class);
    Object end = upstream.channel.readOutbound();
    assertThat(end).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    upstream.listener.upstreamRead(
        upstream, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    upstream.listener.upstreamRead(upstream, new DefaultLastHttpContent());
    assertThat(client.events).hasSize(2);
    assertThat(upstream.releasedReusable).isTrue();
    assertThat(fixture.metricsText())
        .containsPattern("response_total\\{[^}]*status_code=\"200\",classification=\"success\"");
    assertThat(route.backends().targets().getFirst().balancer().endpoints().getFirst().pending())
        .isZero();
  }

  @Test
  void aSplitBetweenHttp1AndHttp2BackendsAsksEachInItsOwnProtocol() {
    Backend h1 = fixture.backend("h1", Protocol.HTTP1, 1);
    Backend h2 = fixture.backend("h2", Protocol.HTTP2, 1);
    Route route = fixture.route(RetryConfig.NONE, TimeoutConfig.NONE, List.of(h1, h2));
    for (int i = 0; i < 40; i++) {
      start(route, Fixture.get("/" + i));
    }
    FakeClient one = fixture.clients.get(0);
    FakeClient two = fixture.clients.get(1);
    assertThat(one.acquisitions).isNotEmpty().allMatch(a -> !a.http2());
    assertThat(two.acquisitions).isNotEmpty().allMatch(FakeClient.Acquisition::http2);
    assertThat(one.acquisitions.size() + two.acquisitions.size()).isEqualTo(40);
  }
}
