package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.CancelledByClient;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.RouteTimeoutException;
import dev.updraft.mesh.http.UpstreamException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retry layer over a scripted attempt stack: replay, holding, and which failures retry. */
class RetryTest {
  private final Fixture fixture = new Fixture();
  private final Recorder above = new Recorder();
  private final Recorder.Stack attempts = new Recorder.Stack();

  private HttpCall retry(RetryConfig config, HttpRequest request, boolean hasBody) {
    Exchange exchange =
        fixture.exchange(fixture.route(config, TimeoutConfig.NONE), request, hasBody);
    HttpCall call = Retry.layer().wrap(attempts).newCall(exchange, above);
    call.start();
    return call;
  }

  private static RetryConfig on(String... statuses) {
    return new RetryConfig(2, List.of(statuses), List.of("unavailable"), false, null);
  }

  private static HttpResponse status(int code) {
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
  }

  private static HttpContent chunk(String text) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  private static String text(Object content) {
    return ((HttpContent) content).content().toString(StandardCharsets.US_ASCII);
  }

  @Test
  void aRetryableStatusSendsTheRequestAgainWithItsBody() {
    HttpCall call = retry(on("503"), Fixture.post("/"), true);
    Recorder.Below first = attempts.last();
    first.up.readRequest();
    assertThat(above.readRequests).isEqualTo(1);
    call.requestContent(chunk("hello "));
    call.requestContent(new DefaultLastHttpContent(Unpooled.copiedBuffer("world".getBytes())));
    assertThat(first.received).hasSize(2);
    first.up.responseHead(status(503));
    assertThat(first.cancelled).as("the failed attempt is given up").isNotNull();
    assertThat(attempts.calls).hasSize(2);
    Recorder.Below second = attempts.last();
    assertThat(second.started).isTrue();
    second.up.readRequest();
    assertThat(second.received).hasSize(3);
    assertThat(text(second.received.get(0)) + text(second.received.get(1)))
        .isEqualTo("hello world");
    assertThat(second.received.get(2)).isInstanceOf(LastHttpContent.class);
    second.up.responseHead(status(200));
    second.up.responseContent(new DefaultLastHttpContent());
    assertThat(above.events).hasSize(2);
    assertThat(fixture.metricsText())
        .contains("retry_requests_total{direction=\"outbound\",route=\"r\"} 1");
    first.received.forEach(c -> ((HttpContent) c).release());
    second.received.forEach(c -> ((HttpContent) c).release());
  }

  @Test
  void bodyChunksWaitUntilTheAttemptAsksForThem() {
    HttpCall call = retry(RetryConfig.NONE, Fixture.post("/"), true);
    call.requestContent(chunk("a"));
    call.requestContent(chunk("b"));
    Recorder.Below attempt = attempts.last();
    assertThat(attempt.received).isEmpty();
    attempt.up.readRequest();
    assertThat(attempt.received).extracting(RetryTest::text).containsExactly("a", "b");
    assertThat(above.readRequests).as("the attempt did not ask after the last chunk").isZero();
    attempt.up.readRequest();
    assertThat(above.readRequests).as("more body is read from the client").isEqualTo(1);
    call.requestContent(chunk("c"));
    assertThat(attempt.received).hasSize(3);
    attempt.received.forEach(c -> ((HttpContent) c).release());
  }

  @Test
  void aFailedConnectTriesAnotherEndpointWithTheHeldBodyAndIsNoRetry() {
    HttpCall call = retry(RetryConfig.NONE, Fixture.post("/"), true);
    HttpContent early = chunk("early");
    call.requestContent(early);
    attempts.last().up.fail(new UpstreamException("connect refused", true, null));
    assertThat(attempts.calls).hasSize(2);
    attempts.last().up.readRequest();
    assertThat(attempts.last().received).containsExactly(early);
    assertThat(fixture.metricsText())
        .doesNotContain("retry_requests_total{direction=\"outbound\",route=\"r\"} 1");
    early.release();
  }

  @Test
  void connectFailuresGiveUpAfterThreeOtherEndpoints() {
    retry(RetryConfig.NONE, Fixture.get("/"), false);
    for (int i = 0; i < 4; i++) {
      attempts.last().up.fail(new UpstreamException("connect refused", true, null));
    }
    assertThat(attempts.calls).hasSize(4);
    assertThat(above.failure).isInstanceOf(UpstreamException.class);
  }

  @Test
  void aGetOnAStaleKeepAliveConnectionIsSentOnceMore() {
    retry(RetryConfig.NONE, Fixture.get("/"), false);
    UpstreamException stale = new UpstreamException("closed before responding", false, true, null);
    attempts.last().up.fail(stale);
    assertThat(attempts.calls).hasSize(2);
    attempts.last().up.fail(stale);
    assertThat(attempts.calls).as("only once").hasSize(2);
    assertThat(above.failure).isSameAs(stale);
  }

  @Test
  void aPostOnAStaleConnectionIsNotResent() {
    retry(RetryConfig.NONE, Fixture.post("/"), false);
    attempts.last().up.fail(new UpstreamException("closed", false, true, null));
    assertThat(attempts.calls).hasSize(1);
    assertThat(above.failure).isInstanceOf(UpstreamException.class);
  }

  @Test
  void aPostAnHttp2EndpointRefusedIsSentAgainWithItsBodyWithoutAPolicy() {
    HttpCall call = retry(RetryConfig.NONE, Fixture.post("/"), true);
    attempts.last().up.readRequest();
    call.requestContent(new DefaultLastHttpContent(Unpooled.copiedBuffer("once".getBytes())));
    UpstreamException refused = new UpstreamException("refused", false, false, true, null);
    for (int i = 1; i <= 3; i++) {
      attempts.last().up.fail(refused);
      assertThat(attempts.calls).hasSize(i + 1);
      Recorder.Below again = attempts.last();
      again.up.readRequest();
      assertThat(text(again.received.getFirst())).isEqualTo("once");
    }
    attempts.last().up.fail(refused);
    assertThat(attempts.calls).as("three times, then the refusal is the answer").hasSize(4);
    assertThat(above.failure).isSameAs(refused);
  }

  @Test
  void aResponseHeadersTimeoutIsRetriedWhenTheRouteRetries() {
    retry(on(), Fixture.get("/"), false);
    attempts
        .last()
        .up
        .fail(
            new RouteTimeoutException(
                RouteTimeoutException.Kind.RESPONSE_HEADERS_TIMEOUT, Duration.ofMillis(10)));
    assertThat(attempts.calls).hasSize(2);
    assertThat(above.failure).isNull();
  }

  @Test
  void aResponseHeadersTimeoutRetriesOnlyARequestThatIsSafeToSendTwice() {
    RouteTimeoutException timeout =
        new RouteTimeoutException(
            RouteTimeoutException.Kind.RESPONSE_HEADERS_TIMEOUT, Duration.ofMillis(10));
    HttpCall post = retry(on(), Fixture.post("/orders"), true);
    attempts.last().up.readRequest();
    post.requestContent(new DefaultLastHttpContent(Unpooled.copiedBuffer("order".getBytes())));
    attempts.last().up.fail(timeout);
    assertThat(attempts.calls).as("a POST may be in the works: it is not sent again").hasSize(1);
    assertThat(above.failure).isSameAs(timeout);

    HttpRequest put = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/orders/1");
    put.headers().set("content-length", "5");
    HttpCall call = retry(on(), put, true);
    attempts.last().up.readRequest();
    call.requestContent(new DefaultLastHttpContent(Unpooled.copiedBuffer("order".getBytes())));
    attempts.last().up.fail(timeout);
    assertThat(attempts.calls).as("a PUT is idempotent: it is").hasSize(3);
  }

  @Test
  void grpcTrailersThatAskForARetryAreRetried() {
    HttpRequest request = Fixture.post("/svc/M");
    request.headers().set("content-type", "application/grpc");
    HttpCall call = retry(on(), request, true);
    Recorder.Below first = attempts.last();
    first.up.readRequest();
    call.requestContent(new DefaultLastHttpContent(Unpooled.copiedBuffer("msg".getBytes())));
    first.up.responseHead(status(200));
    assertThat(above.events).as("the head waits for the trailers").isEmpty();
    assertThat(first.readResponses).isEqualTo(1);
    LastHttpContent unavailable = new DefaultLastHttpContent();
    unavailable.trailingHeaders().set("grpc-status", "14");
    first.up.responseContent(unavailable);
    assertThat(attempts.calls).hasSize(2);
    Recorder.Below second = attempts.last();
    second.up.readRequest();
    second.up.responseHead(status(200));
    LastHttpContent ok = new DefaultLastHttpContent();
    ok.trailingHeaders().set("grpc-status", "0");
    second.up.responseContent(ok);
    assertThat(above.events).hasSize(2);
    first.received.forEach(c -> ((HttpContent) c).release());
    second.received.forEach(c -> ((HttpContent) c).release());
  }

  @Test
  void aFailureAfterTheResponseBeganIsNotRetried() {
    retry(on("503"), Fixture.get("/"), false);
    attempts.last().up.responseHead(status(200));
    attempts.last().up.fail(new UpstreamException("reset", false, null));
    assertThat(attempts.calls).hasSize(1);
    assertThat(above.failure).isInstanceOf(UpstreamException.class);
  }

  @Test
  void aBodyOver64KiBCannotBeReplayedSoItIsNotRetried() {
    HttpCall call = retry(on("503"), Fixture.post("/"), true);
    Recorder.Below attempt = attempts.last();
    attempt.up.readRequest();
    call.requestContent(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[40_000])));
    call.requestContent(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[40_000])));
    HttpResponse unavailable = status(503);
    attempt.up.responseHead(unavailable);
    assertThat(attempts.calls).hasSize(1);
    assertThat(above.events).containsExactly(unavailable);
    assertThat(fixture.metricsText())
        .contains("retry_overflow_total{direction=\"outbound\",route=\"r\"} 1");
    attempt.received.forEach(c -> ((HttpContent) c).release());
  }

  @Test
  void cancellingReachesTheAttemptAndFreesTheReplayCopies() {
    HttpCall call = retry(on("503"), Fixture.post("/"), true);
    HttpContent held = chunk("held");
    call.requestContent(held);
    CancelledByClient gone = new CancelledByClient("gone");
    call.cancel(gone);
    assertThat(attempts.last().cancelled).isSameAs(gone);
    assertThat(held.refCnt()).isZero();
  }
}
