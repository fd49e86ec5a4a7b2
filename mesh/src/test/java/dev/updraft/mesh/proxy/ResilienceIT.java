package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestProxy;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ResilienceIT {
  private static String twoBackends(TestBackend a, TestBackend b, String route, String backend) {
    return """
        admin: 127.0.0.1:0
        eventLoops: 2
        listeners:
          - name: proxy
            address: 127.0.0.1:0
            routes: [{name: r, backends: [{name: b}], %s}]
        backends: [{name: b, endpoints: ["%s", "%s"] %s}]
        """
        .formatted(route, a.address(), b.address(), backend);
  }

  @Test
  @SuppressWarnings("try") // the test closes one backend early on purpose: that is the kill
  void aBackendKilledUnderLoadLosesNoRetryableRequest() throws Exception {
    try (TestBackend a = TestBackend.fixed(200, "a", 2);
        TestBackend b = TestBackend.fixed(200, "b", 2);
        TestProxy proxy =
            TestProxy.start(
                twoBackends(
                    a, b, "retry: {limit: 2, http: [gateway-error], connectFailures: true}", ""))) {
      AtomicBoolean running = new AtomicBoolean(true);
      ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> load = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        load.add(
            clients.submit(
                () -> {
                  while (running.get()) {
                    statuses.add(proxy.get("/work").statusCode());
                  }
                  return null;
                }));
      }
      Thread.sleep(700);
      int beforeKill = statuses.size();
      b.close();
      Thread.sleep(1500);
      running.set(false);
      for (Future<?> f : load) {
        f.get();
      }
      clients.shutdown();
      assertThat(beforeKill).as("load was flowing before the kill").isGreaterThan(20);
      assertThat(statuses).as("every request succeeded").allMatch(s -> s == 200);
      assertThat(statuses.size()).isGreaterThan(beforeKill + 20);
    }
  }

  @Test
  void aSlowBackendReceivesLessTraffic() throws Exception {
    try (TestBackend fast = TestBackend.fixed(200, "fast", 1);
        TestBackend slow = TestBackend.fixed(200, "slow", 60);
        TestProxy proxy = TestProxy.start(twoBackends(fast, slow, "", ""))) {
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<?>> load = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        load.add(
            clients.submit(
                () -> {
                  for (int n = 0; n < 60; n++) {
                    assertThat(proxy.get("/").statusCode()).isEqualTo(200);
                  }
                  return null;
                }));
      }
      for (Future<?> f : load) {
        f.get();
      }
      clients.shutdown();
      // 60 ms against 1 ms would be 60:1 at best; on a loaded machine the fast backend's own
      // latency grows to tens of ms, so only a clear preference is asserted.
      assertThat(fast.requests()).isGreaterThan(2 * slow.requests());
    }
  }

  @Test
  void theBreakerOpensProbesAndCloses() throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(false);
    try (TestBackend good = TestBackend.fixed(200, "good", 0);
        TestBackend flaky =
            TestBackend.start(
                exchange -> {
                  exchange.getRequestBody().readAllBytes();
                  TestBackend.respond(exchange, healthy.get() ? 200 : 500, "flaky");
                });
        TestProxy proxy =
            TestProxy.start(
                twoBackends(
                    good,
                    flaky,
                    "",
                    ", breaker: {maxFailures: 3, minPenalty: 300ms, maxPenalty: 600ms, jitter: 0}"))) {
      // The balancer learns that the flaky endpoint is slow to fail and may avoid it for a while,
      // so traffic goes on until it has failed often enough to open its breaker.
      Pattern open =
          Pattern.compile(
              "breaker_state\\{backend=\"b\",endpoint=\"127.0.0.1:"
                  + flaky.port()
                  + "\",state=\"(open|probing)\"\\} 1");
      long opening = System.currentTimeMillis() + 10_000;
      while (!open.matcher(proxy.metrics()).find() && System.currentTimeMillis() < opening) {
        proxy.get("/");
        Thread.sleep(5);
      }
      assertThat(proxy.metrics()).containsPattern(open);
      int whenOpened = flaky.requests();
      long start = System.nanoTime();
      for (int i = 0; i < 60; i++) {
        proxy.get("/");
      }
      long probes = 1 + (System.nanoTime() - start) / 300_000_000L;
      assertThat(flaky.requests() - whenOpened)
          .as("an open breaker lets through one probe per penalty, at least 300 ms apart")
          .isLessThanOrEqualTo((int) probes);
      healthy.set(true);
      int before = flaky.requests();
      long deadline = System.currentTimeMillis() + 10_000;
      while (flaky.requests() < before + 5 && System.currentTimeMillis() < deadline) {
        proxy.get("/");
        Thread.sleep(20);
      }
      assertThat(flaky.requests())
          .as("a successful probe closed the breaker")
          .isGreaterThanOrEqualTo(before + 5);
      assertThat(proxy.metrics())
          .contains(
              "backend=\"b\",endpoint=\"127.0.0.1:" + flaky.port() + "\",state=\"closed\"} 1");
    }
  }

  @Test
  void failFastAnswers504AndLoadSheddingAnswers503() throws Exception {
    int closed;
    try (ServerSocket free = new ServerSocket(0)) {
      closed = free.getLocalPort();
    }
    String yaml =
        """
        admin: 127.0.0.1:0
        listeners: [{name: proxy, address: "127.0.0.1:0", backend: dead}]
        backends: [{name: dead, endpoints: ["127.0.0.1:%d"], failfastTimeout: 2s, queueCapacity: %d}]
        """;
    try (TestProxy proxy = TestProxy.start(yaml.formatted(closed, 100))) {
      HttpResponse<String> failFast = null;
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline) {
        HttpResponse<String> r = proxy.get("/");
        if (r.statusCode() == 504) {
          failFast = r;
          break;
        }
      }
      assertThat(failFast).isNotNull();
      assertThat(failFast.headers().firstValue("l5d-proxy-error").orElse("")).contains("fail-fast");
      long start = System.nanoTime();
      HttpResponse<String> immediate = proxy.get("/");
      assertThat(immediate.statusCode()).isEqualTo(504);
      // At once means without waiting out the 2 s fail-fast timeout again (with room for a loaded
      // machine: a bound near the timeout itself would flake).
      assertThat((System.nanoTime() - start) / 1_000_000)
          .as("fail-fast answers at once")
          .isLessThan(1_000);
      assertThat(proxy.metrics()).contains("error=\"FAIL_FAST\"");
    }
    try (TestProxy proxy = TestProxy.start(yaml.formatted(closed, 0))) {
      HttpResponse<String> shed = proxy.get("/");
      assertThat(shed.statusCode()).isEqualTo(503);
      assertThat(shed.headers().firstValue("l5d-proxy-error").orElse("")).contains("overloaded");
    }
  }

  @Test
  void routeTimeoutsAnswer504AndHeaderTimeoutsAreRetried() throws Exception {
    try (TestBackend slow = TestBackend.fixed(200, "slow", 3000);
        TestBackend fast = TestBackend.fixed(200, "fast", 0)) {
      try (TestProxy proxy =
          TestProxy.start(
              """
              admin: 127.0.0.1:0
              listeners: [{name: proxy, address: "127.0.0.1:0", routes: [{name: r, backends: [{name: s}], timeouts: {request: 300ms}}]}]
              backends: [{name: s, endpoints: ["%s"]}]
              """
                  .formatted(slow.address()))) {
        long start = System.nanoTime();
        HttpResponse<String> timedOut = proxy.get("/");
        assertThat(timedOut.statusCode()).isEqualTo(504);
        assertThat(timedOut.headers().firstValue("l5d-proxy-error").orElse(""))
            .contains("request timeout");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
      }
      try (TestProxy proxy =
          TestProxy.start(
              twoBackends(
                  slow, fast, "timeouts: {responseHeaders: 200ms}, retry: {limit: 1}", ""))) {
        for (int i = 0; i < 6; i++) {
          HttpResponse<String> r = proxy.get("/");
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).isEqualTo("fast");
        }
      }
    }
  }
}
