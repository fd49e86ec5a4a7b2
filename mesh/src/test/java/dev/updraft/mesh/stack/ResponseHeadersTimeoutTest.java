package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.RouteTimeoutException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-attempt timeout from sending the request to the response head. */
class ResponseHeadersTimeoutTest {
  private final Fixture fixture = new Fixture();
  private final Recorder above = new Recorder();
  private final Recorder.Stack below = new Recorder.Stack();

  private HttpCall call(Duration timeout) {
    Exchange exchange =
        fixture.exchange(
            fixture.route(RetryConfig.NONE, new TimeoutConfig(null, timeout, null)),
            Fixture.get("/"),
            false);
    HttpCall call = ResponseHeadersTimeout.layer().wrap(below).newCall(exchange, above);
    call.start();
    return call;
  }

  @Test
  void noHeadInTimeAbandonsTheAttempt() {
    call(Duration.ofMillis(200));
    fixture.advance(200);
    assertThat(above.failure)
        .isInstanceOfSatisfying(
            RouteTimeoutException.class,
            e ->
                assertThat(e.kind())
                    .isEqualTo(RouteTimeoutException.Kind.RESPONSE_HEADERS_TIMEOUT));
    assertThat(below.last().cancelled).isSameAs(above.failure);
  }

  @Test
  void aHeadInTimeStopsTheTimer() {
    call(Duration.ofMillis(200));
    fixture.advance(100);
    below
        .last()
        .up
        .responseHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    fixture.advance(500);
    assertThat(above.failure).isNull();
    assertThat(above.events).hasSize(1);
  }

  @Test
  void routesWithoutItSkipTheLayer() {
    assertThat(call(null)).isSameAs(below.last());
  }
}
