package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.RouteTimeoutException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whole-request and idle timeouts on the EmbeddedChannel's clock. */
class RequestTimeoutsTest {
  private final Fixture fixture = new Fixture();
  private final Recorder above = new Recorder();
  private final Recorder.Stack below = new Recorder.Stack();

  private HttpCall call(TimeoutConfig timeouts) {
    Exchange exchange =
        fixture.exchange(fixture.route(RetryConfig.NONE, timeouts), Fixture.get("/"), false);
    HttpCall call = RequestTimeouts.layer().wrap(below).newCall(exchange, above);
    call.start();
    return call;
  }

  @Test
  void theRequestTimeoutCancelsTheCallBelowAndFailsUp() {
    call(new TimeoutConfig(Duration.ofMillis(300), null, null));
    fixture.advance(299);
    assertThat(above.failure).isNull();
    fixture.advance(1);
    assertThat(above.failure)
        .isInstanceOfSatisfying(
            RouteTimeoutException.class,
            e -> assertThat(e.kind()).isEqualTo(RouteTimeoutException.Kind.REQUEST_TIMEOUT));
    assertThat(below.last().cancelled).isSameAs(above.failure);
  }

  @Test
  void theIdleTimeoutWaitsWhileBytesFlow() {
    call(new TimeoutConfig(null, null, Duration.ofMillis(100)));
    below
        .last()
        .up
        .responseHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    for (int i = 0; i < 5; i++) {
      fixture.advance(60);
      below.last().up.responseContent(new DefaultHttpContent(Unpooled.buffer(1).writeByte(1)));
    }
    assertThat(above.failure).as("bytes kept coming").isNull();
    fixture.advance(100);
    assertThat(above.failure)
        .isInstanceOfSatisfying(
            RouteTimeoutException.class,
            e -> assertThat(e.kind()).isEqualTo(RouteTimeoutException.Kind.IDLE_TIMEOUT));
  }

  @Test
  void anEndedResponseStopsTheTimers() {
    call(new TimeoutConfig(Duration.ofMillis(100), null, Duration.ofMillis(100)));
    below
        .last()
        .up
        .responseHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    below.last().up.responseContent(new DefaultLastHttpContent());
    fixture.advance(500);
    assertThat(above.failure).isNull();
    assertThat(below.last().cancelled).isNull();
  }

  @Test
  void routesWithoutTheseTimeoutsSkipTheLayer() {
    HttpCall call = call(TimeoutConfig.NONE);
    assertThat(call).isSameAs(below.last());
  }
}
