package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.Protocol;
import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Route;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The weighted split: each attempt picks a backend and keeps it. */
class DistributeTest {
  private final Fixture fixture = new Fixture();
  private final Recorder above = new Recorder();

  @Test
  void eachAttemptPicksABackendBeforeTheLayersBelowStart() {
    Backend one = fixture.backend("one", Protocol.HTTP1, 1);
    Backend two = fixture.backend("two", Protocol.HTTP2, 1);
    Route route = fixture.route(RetryConfig.NONE, TimeoutConfig.NONE, List.of(one, two));
    Exchange exchange = fixture.exchange(route, Fixture.get("/"), false);
    Recorder.Stack below = new Recorder.Stack();
    NewCall stack = Distribute.layer().wrap(below);
    for (int i = 0; i < 50; i++) {
      stack.newCall(exchange, above).start();
    }
    Set<Backend> distinct = new HashSet<>();
    below.calls.forEach(c -> distinct.add(c.backendAtStart));
    assertThat(distinct).containsExactlyInAnyOrder(one, two);
  }

  @Test
  void aRouteWithOneBackendSkipsTheLayer() {
    Recorder.Stack below = new Recorder.Stack();
    Route route = fixture.route();
    Exchange exchange = fixture.exchange(route, Fixture.get("/"), false);
    HttpCall call = Distribute.layer().wrap(below).newCall(exchange, above);
    assertThat(call).isSameAs(below.last());
    assertThat(exchange.backend()).isSameAs(route.backends().targets().getFirst());
  }
}
