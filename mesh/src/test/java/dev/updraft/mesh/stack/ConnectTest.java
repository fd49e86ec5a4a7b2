package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.balance.Breaker;
import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.config.Protocol;
import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.CancelledByClient;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.RouteTimeoutException;
import dev.updraft.mesh.http.UpstreamClient;
import dev.updraft.mesh.http.UpstreamException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Getting an upstream in the backend's protocol, and what the endpoint learns from it. */
class ConnectTest {
  private final Fixture fixture = new Fixture();
  private final Recorder above = new Recorder();
  private final Recorder.Stack below = new Recorder.Stack();

  private Exchange exchange(Protocol protocol, HttpRequest request, boolean fromHttp2) {
    Backend backend = fixture.backend("b", protocol, 1);
    Exchange exchange =
        fixture.exchange(
            fixture.route(RetryConfig.NONE, TimeoutConfig.NONE, List.of(backend)),
            request,
            false,
            fromHttp2);
    exchange.backend(backend);
    exchange.endpoint(backend, backend.balancer().endpoints().getFirst());
    return exchange;
  }

  private HttpCall call(Exchange exchange) {
    HttpCall call = Connect.layer().wrap(below).newCall(exchange, above);
    call.start();
    return call;
  }

  private FakeClient client() {
    return fixture.clients.getLast();
  }

  @Test
  void theAttemptSpeaksItsBackendsProtocol() {
    call(exchange(Protocol.HTTP1, Fixture.get("/"), true));
    assertThat(client().last().http2()).isFalse();
    call(exchange(Protocol.HTTP2, Fixture.get("/"), false));
    assertThat(client().last().http2()).isTrue();
    call(exchange(Protocol.PRESERVE, Fixture.get("/"), true));
    assertThat(client().last().http2()).as("preserve: as the client spoke").isTrue();
    HttpRequest grpc = Fixture.post("/svc/M");
    grpc.headers().set("content-type", "application/grpc");
    call(exchange(Protocol.HTTP1, grpc, false));
    assertThat(client().last().http2()).as("gRPC needs HTTP/2").isTrue();
  }

  @Test
  void theUpstreamGoesToTheLayerBelowAndTheOutcomeToTheEndpoint() {
    Exchange exchange = exchange(Protocol.HTTP1, Fixture.get("/"), false);
    Endpoint<UpstreamClient> endpoint = exchange.endpoint();
    call(exchange);
    assertThat(endpoint.pending()).isEqualTo(1);
    FakeUpstream upstream = new FakeUpstream(false, false);
    client().last().callback().acquired(upstream);
    assertThat(below.last().started).isTrue();
    assertThat(exchange.takeUpstream()).isSameAs(upstream);
    below
        .last()
        .up
        .responseHead(
            new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE));
    below.last().up.responseContent(new DefaultLastHttpContent());
    assertThat(endpoint.pending()).isZero();
    assertThat(endpoint.breaker().consecutiveFailures()).as("a 503 is a failure").isEqualTo(1);
  }

  @Test
  void aFailedConnectBacksTheEndpointOff() {
    Exchange exchange = exchange(Protocol.HTTP1, Fixture.get("/"), false);
    Endpoint<UpstreamClient> endpoint = exchange.endpoint();
    call(exchange);
    UpstreamException refused = new UpstreamException("refused", true, null);
    client().last().callback().failed(refused);
    assertThat(above.failure).isSameAs(refused);
    assertThat(endpoint.pending()).isZero();
    assertThat(endpoint.isReady(fixture.now)).isFalse();
    assertThat(below.last().started).isFalse();
  }

  @Test
  void aClientThatWentAwayLeavesTheEndpointUnjudged() {
    Exchange exchange = exchange(Protocol.HTTP1, Fixture.get("/"), false);
    Endpoint<UpstreamClient> endpoint = exchange.endpoint();
    HttpCall call = call(exchange);
    client().last().callback().acquired(new FakeUpstream(false, false));
    call.cancel(new CancelledByClient("gone"));
    assertThat(endpoint.pending()).isZero();
    assertThat(endpoint.breaker().consecutiveFailures()).isZero();
    assertThat(endpoint.breaker().state()).isEqualTo(Breaker.State.CLOSED);
  }

  @Test
  void anAttemptThatEndsUnansweredIsASampleOfItsDuration() {
    Exchange timedOut = exchange(Protocol.HTTP1, Fixture.get("/"), false);
    HttpCall call = call(timedOut);
    client().last().callback().acquired(new FakeUpstream(false, false));
    fixture.advance(5_000);
    call.cancel(
        new RouteTimeoutException(
            RouteTimeoutException.Kind.RESPONSE_HEADERS_TIMEOUT, Duration.ofSeconds(5)));
    assertThat(timedOut.endpoint().rttEstimateMillis())
        .as("a hung endpoint no longer looks fast")
        .isEqualTo(5_000.0);

    Exchange reset = exchange(Protocol.HTTP1, Fixture.get("/"), false);
    call(reset);
    client().last().callback().acquired(new FakeUpstream(false, false));
    fixture.advance(2_000);
    below.last().up.fail(new UpstreamException("reset", false, null));
    assertThat(reset.endpoint().rttEstimateMillis()).isEqualTo(2_000.0);

    Exchange hung = exchange(Protocol.HTTP1, Fixture.get("/"), false);
    call(hung);
    fixture.advance(1_000);
    client().last().callback().failed(new UpstreamException("connect timed out", true, null));
    assertThat(hung.endpoint().rttEstimateMillis()).as("a connect that hangs").isEqualTo(1_000.0);
  }

  @Test
  void aClientThatWentAwayIsNoSample() {
    Exchange exchange = exchange(Protocol.HTTP1, Fixture.get("/"), false);
    HttpCall call = call(exchange);
    client().last().callback().acquired(new FakeUpstream(false, false));
    fixture.advance(5_000);
    call.cancel(new CancelledByClient("gone"));
    assertThat(exchange.endpoint().rttEstimateMillis()).as("the default RTT").isEqualTo(30.0);
  }

  @Test
  void anUpstreamThatArrivesAfterTheCancelIsGivenBack() {
    Exchange exchange = exchange(Protocol.HTTP1, Fixture.get("/"), false);
    HttpCall call = call(exchange);
    call.cancel(new RuntimeException("request timeout"));
    assertThat(exchange.endpoint().breaker().consecutiveFailures()).isEqualTo(1);
    FakeUpstream late = new FakeUpstream(false, false);
    client().last().callback().acquired(late);
    assertThat(late.releasedReusable).as("a new, unused connection joins the pool").isTrue();
    assertThat(below.last().started).isFalse();
  }
}
