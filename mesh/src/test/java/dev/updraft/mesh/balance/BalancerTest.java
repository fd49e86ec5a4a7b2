package dev.updraft.mesh.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.BackendConfig;
import dev.updraft.mesh.config.HostPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BalancerTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong clock = new AtomicLong(1_000 * MS);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<String> closed = new ArrayList<>();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private Balancer<String> balancer(int queueCapacity, Duration failfast, int endpoints) {
    List<HostPort> hosts = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      hosts.add(new HostPort("127.0.0.1", 9000 + i));
    }
    BackendConfig config =
        new BackendConfig("b", hosts, null, null, failfast, queueCapacity, null, null, null);
    Balancer<String> balancer =
        new Balancer<>(
            "b",
            config,
            a -> "client-" + a.getPort(),
            closed::add,
            timer,
            clock::get,
            RandomGenerator.of("L64X128MixRandom"));
    balancer.update(hosts.stream().map(h -> new InetSocketAddress(h.host(), h.port())).toList());
    return balancer;
  }

  @Test
  void powerOfTwoChoicesPrefersTheFasterEndpoint() {
    Balancer<String> balancer = balancer(10, Duration.ofSeconds(3), 2);
    Endpoint<String> slow = balancer.endpoints().get(0);
    Endpoint<String> fast = balancer.endpoints().get(1);
    slow.start(clock.get());
    slow.observeRtt(500 * MS, clock.get());
    slow.complete(true, clock.get());
    fast.start(clock.get());
    fast.observeRtt(5 * MS, clock.get());
    fast.complete(true, clock.get());
    Map<Endpoint<String>, Integer> picks = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      picks.merge(balancer.pick(), 1, Integer::sum);
    }
    assertThat(picks.getOrDefault(fast, 0)).isEqualTo(1000);
  }

  @Test
  void openBreakersAreSkippedAndUpdatesKeepEndpointState() {
    Balancer<String> balancer = balancer(10, Duration.ofSeconds(3), 2);
    Endpoint<String> broken = balancer.endpoints().get(0);
    for (int i = 0; i < 7; i++) {
      broken.start(clock.get());
      broken.complete(false, clock.get());
    }
    for (int i = 0; i < 100; i++) {
      assertThat(balancer.pick()).isNotSameAs(broken);
    }
    balancer.update(List.of(broken.address(), new InetSocketAddress("127.0.0.1", 9005)));
    assertThat(balancer.endpoints().get(0)).isSameAs(broken);
    assertThat(closed).containsExactly("client-9001");
  }

  @Test
  void queuedRequestsFailFastThenShedWhenFull() throws Exception {
    Balancer<String> balancer = balancer(1, Duration.ofMillis(100), 1);
    Endpoint<String> only = balancer.endpoints().getFirst();
    only.onConnectFailure(clock.get()); // backing off: not ready
    List<Object> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    Balancer.Callback<String> record =
        new Balancer.Callback<>() {
          @Override
          public void ready(Endpoint<String> endpoint) {
            outcomes.add(endpoint);
          }

          @Override
          public void failed(RuntimeException cause) {
            outcomes.add(cause);
          }
        };
    balancer.acquire(null, record);
    balancer.acquire(null, record);
    assertThat(outcomes).singleElement().isInstanceOf(LoadShedException.class);
    assertThat(balancer.queueLength()).isEqualTo(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (outcomes.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(outcomes.get(1)).isInstanceOf(FailFastException.class);
    assertThat(balancer.inFailFast()).isTrue();
    balancer.acquire(null, record);
    assertThat(outcomes.get(2))
        .as("fail-fast answers at once")
        .isInstanceOf(FailFastException.class);

    clock.addAndGet(120_000 * MS); // the connect backoff is over
    balancer.acquire(null, record);
    assertThat(outcomes.get(3)).isSameAs(only);
    assertThat(balancer.inFailFast()).isFalse();
  }

  @Test
  void queuedRequestIsServedWhenAnEndpointBecomesReady() throws Exception {
    Balancer<String> balancer = balancer(10, Duration.ofSeconds(5), 1);
    Endpoint<String> only = balancer.endpoints().getFirst();
    only.onConnectFailure(clock.get());
    var served = new java.util.concurrent.CompletableFuture<Endpoint<String>>();
    balancer.acquire(
        null,
        new Balancer.Callback<>() {
          @Override
          public void ready(Endpoint<String> endpoint) {
            served.complete(endpoint);
          }

          @Override
          public void failed(RuntimeException cause) {
            served.completeExceptionally(cause);
          }
        });
    assertThat(served).isNotDone();
    clock.addAndGet(120_000 * MS);
    balancer.drain();
    assertThat(served.get(1, TimeUnit.SECONDS)).isSameAs(only);
  }

  @Test
  void weightedChoiceFollowsWeights() {
    WeightedChoice<String> choice = new WeightedChoice<>(List.of("a", "b"), List.of(9, 1));
    RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
    int a = 0;
    for (int i = 0; i < 10_000; i++) {
      if (choice.pick(random).equals("a")) {
        a++;
      }
    }
    assertThat(a).isBetween(8_700, 9_300);
  }
}
