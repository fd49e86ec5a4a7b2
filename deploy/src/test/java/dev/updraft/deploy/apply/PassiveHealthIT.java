package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.local.Observation;
import dev.updraft.deploy.local.Protocol;
import dev.updraft.deploy.local.StatusReport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of two instances hangs (SIGSTOP: the kernel still accepts its connections): the router's
 * timeout ends every request that reaches it, the failures eject it, and it gets no requests but
 * probes until one succeeds after SIGCONT.
 */
class PassiveHealthIT {
  private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(2);
  // Slightly above the route's: a request that waits longer failed the test.
  private static final Duration CLIENT_TIMEOUT = ROUTE_TIMEOUT.plusMillis(1500);

  @TempDir Path dir;
  private HelloCopy hello;

  @BeforeEach
  void copyExample() {
    hello = HelloCopy.in(dir);
    Shops.replace(
        hello.spec(),
        "    port: " + hello.port(),
        "    port: " + hello.port() + "\n    timeout: " + ROUTE_TIMEOUT.toSeconds() + "s");
    // Each instance names its port, so that the test sees which one answered.
    Shops.replace(
        dir.resolve("app/Hello.java"),
        "\" \" + VERSION + \"\\n\"",
        "\" \" + VERSION + \" from \" + System.getenv(\"PORT\") + \"\\n\"");
  }

  @AfterEach
  void destroy() {
    hello.destroy();
  }

  @Test
  void aHungInstanceIsTimedOutEjectedAndProbedBackAfterItResumes() throws Exception {
    Engine engine = hello.engine();
    engine.apply();
    Path data = engine.dataDir();
    List<Protocol.ProcessStatus> instances = Observation.of(data).processes();
    assertThat(instances).hasSize(2);
    Protocol.ProcessStatus hung = instances.get(0);
    Protocol.ProcessStatus healthy = instances.get(1);

    signal("STOP", hung.pid());
    List<Outcome> outcomes;
    try {
      outcomes = load(Duration.ofSeconds(8));
      StatusReport report = StatusReport.of(engine.spec(), engine.history(), data);
      assertThat(report.services().getFirst().instances())
          .filteredOn(i -> i.id().equals(hung.id()))
          .singleElement()
          // Ejected by its breaker, or, when the balancer has steered every request away from it
          // before enough of them failed in a row (its latency estimate is the route timeout),
          // found hung by the health check status makes: either way never "healthy".
          .satisfies(
              i ->
                  assertThat(i.health())
                      .matches("unhealthy: (ejected by the router|.*no answer within).*"));
    } finally {
      signal("CONT", hung.pid());
    }
    long late = outcomes.stream().filter(o -> o.status() < 0).count();
    long failed = outcomes.stream().filter(o -> o.status() != 200).count();
    long toHung = outcomes.stream().filter(o -> o.port() == hung.port()).count();
    System.out.printf(
        "%d requests, %d failed (504 after the route timeout), %d over the client timeout%n",
        outcomes.size(), failed, late);
    assertThat(late).as("requests that waited longer than the route timeout").isZero();
    assertThat(toHung).as("no answer from the stopped instance").isZero();
    assertThat(outcomes.stream().filter(o -> o.status() == 504).map(Outcome::millis))
        .as("a timed-out request ends at the route timeout")
        .allMatch(ms -> ms >= ROUTE_TIMEOUT.toMillis() - 100);
    // The first failures eject it; then only its probes fail (backoff 1 s, 2 s, 4 s ...).
    assertThat(failed).as("failed requests").isLessThanOrEqualTo(25);
    assertThat(outcomes.size() - failed)
        .as("requests the other instance answered")
        .isGreaterThan(4 * failed);

    // Resumed, it gets requests again once the balancer prefers it: the router's P2C compares
    // both instances' PeakEWMA estimates (tower's, Linkerd's), and the resumed one carries a
    // timed-out sample (2 s) that decays with Linkerd's 10 s constant. Against an instance
    // answering in ~0.5 ms that takes 10 s * ln(2000 / 0.5) ~ 83 s after its last failure,
    // whether the breaker ejected it (its probe must win the same comparison) or not.
    long resumed = System.nanoTime();
    long deadline = resumed + TimeUnit.SECONDS.toNanos(120);
    boolean back = false;
    while (!back && System.nanoTime() < deadline) {
      back = get().port() == hung.port();
      Thread.sleep(20);
    }
    System.out.printf(
        "the resumed instance served again after %d s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - resumed));
    assertThat(back).as("the resumed instance serves again").isTrue();
    assertThat(
            StatusReport.of(engine.spec(), engine.history(), data)
                .services()
                .getFirst()
                .instances())
        .allSatisfy(i -> assertThat(i.health()).startsWith("healthy"));
    assertThat(healthy.port()).isNotEqualTo(hung.port());
  }

  /** One request through the router: its status (-1: no answer in time), who answered, how long. */
  record Outcome(int status, int port, long millis) {}

  @SuppressWarnings("try") // the clients run while this thread sleeps
  private List<Outcome> load(Duration duration) throws Exception {
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    try (Load load = Load.start(4, () -> outcomes.add(get()))) {
      Thread.sleep(duration.toMillis());
    }
    return List.copyOf(outcomes);
  }

  private Outcome get() {
    long start = System.nanoTime();
    try {
      HttpResponse<String> r =
          Shops.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hello.port() + "/"))
                  .timeout(CLIENT_TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String body = r.body().trim();
      int from =
          r.statusCode() == 200 ? Integer.parseInt(body.substring(body.lastIndexOf(' ') + 1)) : 0;
      return new Outcome(r.statusCode(), from, (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      return new Outcome(-1, 0, (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Signals the instance's process and what it started (a shell may stand before the server). */
  private static void signal(String signal, long pid) throws Exception {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(pid)));
    ProcessHandle.of(pid)
        .ifPresent(h -> h.descendants().forEach(d -> command.add(Long.toString(d.pid()))));
    Process kill = new ProcessBuilder(command).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
