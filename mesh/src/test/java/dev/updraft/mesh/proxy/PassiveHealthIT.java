package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestProxy;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that takes connections and requests but never answers (a hung process: the kernel
 * still accepts for it) is found by the route's timeout alone: each timeout is a breaker failure,
 * the breaker ejects it, and it gets one probe per backoff until a probe succeeds. Each timeout is
 * also a PeakEWMA sample, which may price it out before the breaker acts; it then returns as its
 * estimate decays (1 s here, Linkerd's 10 s by default).
 */
class PassiveHealthIT {
  private static final long TIMEOUT_MS = 400;

  @Test
  void timeoutsEjectAHungEndpointAndAProbeBringsItBack() throws Exception {
    Freezer freezer = new Freezer(false);
    try (TestBackend good = TestBackend.fixed(200, "good", 0);
        TestBackend hung = freezer.backend("hung");
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                eventLoops: 2
                listeners:
                  - name: proxy
                    address: 127.0.0.1:0
                    routes: [{name: r, backends: [{name: b}], timeouts: {idle: %dms}}]
                backends:
                  - name: b
                    endpoints: ["%s", "%s"]
                    breaker: {maxFailures: 3, minPenalty: 500ms, maxPenalty: 1s, jitter: 0}
                    balancer: {decay: 1s}
                """
                    .formatted(TIMEOUT_MS, good.address(), hung.address()))) {
      // Warm: a cold proxy's first requests may take longer than the timeout on a busy machine.
      for (int i = 0; i < 50; i++) {
        assertThat(get(proxy, 10_000)).isEqualTo(200);
      }
      int warm = hung.requests();
      freezer.freeze();
      ConcurrentLinkedQueue<long[]> outcomes = new ConcurrentLinkedQueue<>();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<?>> load = new ArrayList<>();
      long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      for (int i = 0; i < 4; i++) {
        load.add(
            clients.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    int status = get(proxy, TIMEOUT_MS + 600);
                    outcomes.add(new long[] {status, (System.nanoTime() - start) / 1_000_000});
                  }
                  return null;
                }));
      }
      for (Future<?> f : load) {
        f.get();
      }
      clients.shutdown();
      long late = outcomes.stream().filter(o -> o[0] < 0).count();
      long timedOut = outcomes.stream().filter(o -> o[0] == 504).count();
      assertThat(late).as("requests that waited past the route timeout").isZero();
      assertThat(outcomes.stream().filter(o -> o[0] == 504))
          .as("a 504 comes at the timeout, not before")
          .allMatch(o -> o[1] >= TIMEOUT_MS - 50);
      // 3 failures eject it (plus what was in flight then); then one probe per backoff.
      assertThat(hung.requests() - warm)
          .as("requests sent to the hung endpoint")
          .isLessThanOrEqualTo(12);
      assertThat(timedOut).isEqualTo(hung.requests() - warm);
      assertThat(outcomes.size() - timedOut).isGreaterThan(10 * timedOut);
      // Both mechanisms keep traffic off it, and which acts first depends on how the timeouts
      // fall between the clients: the breaker after 3 timeouts in a row, or PeakEWMA, since an
      // unanswered attempt is a sample of its elapsed time. The bound on requests above is what
      // either must achieve; which state a metric shows at the end depends on timing.
      assertThat(timedOut).as("the hung endpoint was tried").isPositive();

      freezer.thaw();
      int before = hung.requests();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (hung.requests() < before + 5 && System.nanoTime() < deadline) {
        get(proxy, 5_000);
      }
      assertThat(hung.requests()).as("a successful probe took it back").isGreaterThan(before + 4);
    }
  }

  /**
   * The probe's client gives up before the probe has a verdict: the next request must probe in its
   * place. If the cancelled probe kept its slot, the endpoint would stay out for good (seen in
   * deploy's PassiveHealthIT when the load stopped mid-probe).
   */
  @Test
  void aProbeWhoseClientGoesAwayDoesNotStrandTheEndpoint() throws Exception {
    Freezer freezer = new Freezer(true);
    try (TestBackend only = freezer.backend("back");
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                listeners:
                  - name: proxy
                    address: 127.0.0.1:0
                    routes: [{name: r, backends: [{name: b}], timeouts: {idle: %dms}}]
                backends:
                  - name: b
                    endpoints: ["%s"]
                    breaker: {maxFailures: 1, minPenalty: 300ms, maxPenalty: 300ms, jitter: 0}
                """
                    .formatted(TIMEOUT_MS, only.address()))) {
      assertThat(get(proxy, 10_000)).as("the timeout opens the breaker").isEqualTo(504);
      Thread.sleep(400); // the backoff ends: the next request is the probe
      assertThat(get(proxy, 150)).as("the probe's client gives up").isEqualTo(-1);
      freezer.thaw();

      int status = -1;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (status != 200 && System.nanoTime() < deadline) {
        status = get(proxy, 5_000);
      }
      assertThat(status).as("a later request probed and took it back").isEqualTo(200);
    }
  }

  /** A backend that, while frozen, takes requests and answers none until thawed. */
  private static final class Freezer {
    private final AtomicBoolean frozen;
    private final CountDownLatch thawed = new CountDownLatch(1);

    Freezer(boolean frozen) {
      this.frozen = new AtomicBoolean(frozen);
    }

    TestBackend backend(String body) throws IOException {
      return TestBackend.start(
          exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
              if (frozen.get()) {
                thawed.await();
              }
            } catch (InterruptedException e) {
              return;
            }
            TestBackend.respond(exchange, 200, body);
          });
    }

    void freeze() {
      frozen.set(true);
    }

    void thaw() {
      frozen.set(false);
      thawed.countDown();
    }
  }

  /** The status, or -1 when the client gave up first. */
  private static int get(TestProxy proxy, long clientTimeoutMillis) {
    try {
      HttpResponse<String> r =
          proxy.send(
              HttpRequest.newBuilder(proxy.uri("/"))
                  .timeout(Duration.ofMillis(clientTimeoutMillis))
                  .build());
      return r.statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
