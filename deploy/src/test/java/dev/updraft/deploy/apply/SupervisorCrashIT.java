package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.local.Observation;
import dev.updraft.deploy.local.StatusReport;
import dev.updraft.deploy.local.Watchdog;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the supervisor under load: its watchdog starts another, which adopts the running
 * instances and serves the routes again, with no updraft command run.
 */
class SupervisorCrashIT {
  @TempDir Path dir;
  private HelloCopy hello;

  @BeforeEach
  void copyExample() {
    hello = HelloCopy.in(dir);
  }

  @AfterEach
  void destroy() {
    hello.destroy();
  }

  @Test
  @SuppressWarnings("try") // the clients run while this thread kills and waits
  void theWatchdogRestartsAKilledSupervisorWhichAdoptsTheInstancesAndServesTheRoutes()
      throws Exception {
    Engine engine = hello.engine();
    engine.apply();
    Path data = engine.dataDir();
    Map<String, Long> pids = Shops.pids(Observation.of(data));
    assertThat(pids).hasSize(2);
    long watchdog = Shops.pid(data, "watchdog.pid");
    long supervisor = Shops.pid(data, "supervisor.pid");

    ConcurrentLinkedQueue<Long> answeredAt = new ConcurrentLinkedQueue<>();
    long killedAt;
    long healedMillis;
    try (Load load =
        Load.start(
            4,
            () -> {
              if (answers()) {
                answeredAt.add(System.nanoTime());
              } else {
                Thread.sleep(10); // refused while no supervisor serves the router
              }
            })) {
      // The first requests through a fresh router (and its sidecars' first mTLS handshakes) can
      // take seconds on a loaded machine: wait for the load to flow rather than a fixed time.
      long flowing = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (answeredAt.isEmpty() && System.nanoTime() < flowing) {
        Thread.sleep(20);
      }
      assertThat(answeredAt).as("load flows before the kill").isNotEmpty();
      killedAt = System.nanoTime();
      Shops.kill9(supervisor);
      long after = killedAt + TimeUnit.MILLISECONDS.toNanos(100);
      long deadline = killedAt + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && answeredAt.stream().noneMatch(t -> t > after)) {
        Thread.sleep(20);
      }
      healedMillis =
          answeredAt.stream()
              .filter(t -> t > after)
              .min(Long::compare)
              .map(t -> (t - killedAt) / 1_000_000)
              .orElse(-1L);
      Thread.sleep(500);
    }
    System.out.println("routes answered again " + healedMillis + " ms after kill -9");

    assertThat(healedMillis).as("routes answer again with no updraft command").isPositive();
    assertThat(healedMillis).as("and within seconds").isLessThan(20_000);
    assertThat(Shops.pid(data, "supervisor.pid")).as("a new supervisor").isNotEqualTo(supervisor);
    assertThat(Shops.pid(data, "watchdog.pid")).as("the same watchdog").isEqualTo(watchdog);
    Observation after = Observation.of(data);
    assertThat(after.supervisor()).isEqualTo(Observation.Supervision.RUNNING);
    assertThat(Shops.pids(after)).as("the instances were adopted, not restarted").isEqualTo(pids);
    assertThat(after.processes()).allSatisfy(p -> assertThat(p.restarts()).isZero());

    StatusReport report = StatusReport.of(engine.spec(), engine.history(), data);
    assertThat(report.supervisor().state()).isEqualTo("running");
    assertThat(report.supervisor().watchdog()).isTrue();
    assertThat(report.services().getFirst().instances())
        .hasSize(2)
        .allSatisfy(
            i -> {
              assertThat(i.running()).isTrue();
              assertThat(i.pid()).isEqualTo(pids.get(i.id()));
              assertThat(i.health()).startsWith("healthy");
              assertThat(i.uptimeSeconds()).isNotNull();
              assertThat(i.release()).isEqualTo(1);
            });
    assertThat(engine.plan().isEmpty()).as("nothing to repair").isTrue();
  }

  @Test
  void oneWatchdogPerEnvironmentAndDownStopsIt() throws Exception {
    Engine engine = hello.engine();
    engine.apply();
    Path data = engine.dataDir();
    long watchdog = Shops.pid(data, "watchdog.pid");
    Path log = dir.resolve("second-watchdog.log");
    Process second =
        new ProcessBuilder(Watchdog.command(data))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isZero();
    assertThat(Files.readString(log)).contains("another watchdog watches");
    assertThat(ProcessHandle.of(watchdog))
        .hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

    // A watchdog killed leaves its supervisor serving; the next command gives it a new one.
    Shops.kill9(watchdog);
    assertThat(answers()).isTrue();
    assertThat(StatusReport.of(engine.spec(), engine.history(), data).supervisor().watchdog())
        .isFalse();
    assertThat(engine.apply().plan().isEmpty()).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Shops.pid(data, "watchdog.pid") == watchdog && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long next = Shops.pid(data, "watchdog.pid");
    assertThat(next).isNotEqualTo(watchdog);
    long supervisor = Shops.pid(data, "supervisor.pid");
    Shops.kill9(supervisor);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!answers() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(answers()).as("the new watchdog restarts a supervisor it did not start").isTrue();

    hello.destroy();
    assertThat(ProcessHandle.of(next).map(ProcessHandle::isAlive).orElse(false))
        .as("down stops the watchdog too")
        .isFalse();
    assertThat(Files.exists(data.resolve("watchdog.pid"))).isFalse();
    long gone = Shops.pid(data, "supervisor.pid");
    assertThat(ProcessHandle.of(gone).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  private boolean answers() {
    try {
      HttpResponse<String> r =
          Shops.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hello.port() + "/"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }
}
