package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.balance.FailFastException;
import dev.updraft.mesh.config.Protocol;
import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.CancelledByClient;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.UpstreamClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoint choice through a real balancer whose endpoints have fake clients. */
class BalanceTest {
  private final Fixture fixture = new Fixture();
  private final Recorder above = new Recorder();
  private final Recorder.Stack below = new Recorder.Stack();

  private HttpCall call(Exchange exchange) {
    exchange.backend(exchange.route().backends().targets().getFirst());
    HttpCall call = Balance.layer().wrap(below).newCall(exchange, above);
    call.start();
    return call;
  }

  private Backend backend(int endpoints) {
    return fixture.backend("b", Protocol.HTTP1, endpoints);
  }

  private Exchange exchange(Backend backend) {
    return fixture.exchange(
        fixture.route(RetryConfig.NONE, TimeoutConfig.NONE, List.of(backend)),
        Fixture.get("/"),
        false);
  }

  @Test
  void aReadyEndpointIsChosenAtOnce() {
    Backend backend = backend(2);
    Exchange exchange = exchange(backend);
    call(exchange);
    assertThat(below.last().started).isTrue();
    assertThat(backend.balancer().endpoints()).contains(exchange.endpoint());
  }

  @Test
  void theNextAttemptAvoidsTheEndpointTheLastOneUsed() {
    Backend backend = backend(2);
    Exchange exchange = exchange(backend);
    for (int i = 0; i < 20; i++) {
      call(exchange);
      Endpoint<UpstreamClient> previous = exchange.endpoint();
      call(exchange);
      assertThat(exchange.endpoint()).isNotSameAs(previous);
    }
  }

  @Test
  void withNoReadyEndpointTheAttemptWaitsThenFailsFast() {
    Backend backend = backend(1);
    Endpoint<UpstreamClient> only = backend.balancer().endpoints().getFirst();
    only.start(fixture.now);
    only.onConnectFailure(fixture.now); // backs off: not ready for 100 ms or more
    call(exchange(backend));
    assertThat(below.last().started).isFalse();
    assertThat(backend.balancer().queueLength()).isEqualTo(1);
    fixture.advance(300);
    assertThat(above.failure).isInstanceOf(FailFastException.class);
    assertThat(below.last().started).isFalse();
  }

  @Test
  void aCancelledAttemptLeavesTheQueue() {
    Backend backend = backend(1);
    Endpoint<UpstreamClient> only = backend.balancer().endpoints().getFirst();
    only.start(fixture.now);
    only.onConnectFailure(fixture.now);
    HttpCall call = call(exchange(backend));
    CancelledByClient gone = new CancelledByClient("gone");
    call.cancel(gone);
    assertThat(backend.balancer().queueLength()).isZero();
    assertThat(below.last().cancelled).isSameAs(gone);
    fixture.advance(300);
    assertThat(above.failure).isNull();
    assertThat(below.last().started).isFalse();
  }
}
