package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cron job under the supervisor, with real processes and a clock the test sets. */
class ScheduledJobTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:07:30Z");
  @TempDir Path dir;
  private final AtomicInteger changes = new AtomicInteger();

  private ScheduledJob job(String cron, String command, long timeoutMillis, Clock clock) {
    Protocol.ProcessSpec run =
        new Protocol.ProcessSpec(
            "tick-v1",
            "tick",
            List.of("bash", "-c", command),
            dir.toString(),
            Map.of("PATH", "/usr/bin:/bin"),
            dir.resolve("tick.log").toString(),
            false,
            null);
    return new ScheduledJob(
        new Protocol.ScheduleSpec(run, cron, "UTC", timeoutMillis),
        clock,
        Cgroups.detect(
            new Cgroups.Detection(dir.resolve("no-cgroups"), false, d -> false),
            dir.resolve("no-self"),
            dir),
        changes::incrementAndGet);
  }

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  @Test
  void nextIsTheScheduleAfterNowAndNothingIsMissedAtFirst() {
    ScheduledJob job = job("*/5 * * * *", "true", 10_000, at(NOW));
    assertThat(job.next(NOW)).isEqualTo(Instant.parse("2026-12-01T10:10:00Z"));
    assertThat(job.missed(NOW)).isEmpty();
    assertThat(job.status().next()).isEqualTo("2026-12-01T10:10Z");
    assertThat(job.status().runs()).isZero();
  }

  @Test
  void aSuccessorRunsTheLatestMissedTimeOnce() {
    ScheduledJob dead = job("*/5 * * * *", "true", 10_000, at(NOW));
    ScheduledJob.Row row = dead.row(); // last fire: 10:07:30, when it was scheduled
    // The supervisor was down from 10:07:30 to 10:21: 10:10, 10:15 and 10:20 were missed.
    ScheduledJob successor =
        job("*/5 * * * *", "true", 10_000, at(Instant.parse("2026-12-01T10:21:00Z")));
    successor.adopt(row);
    try {
      assertThat(successor.status().runs()).isEqualTo(1);
      assertThat(successor.row().lastFireMillis())
          .isEqualTo(Instant.parse("2026-12-01T10:20:00Z").toEpochMilli());
      assertThat(successor.missed(Instant.parse("2026-12-01T10:21:00Z"))).isEmpty();
    } finally {
      successor.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aRunByHandRunsAndIsLoggedUnderAHeader() throws Exception {
    ScheduledJob job = job("0 3 * * *", "echo ran $0", 10_000, Clock.systemUTC());
    assertThat(job.trigger()).isEqualTo(1);
    awaitOutcome(job);
    assertThat(job.status().lastOutcome().word()).isEqualTo("succeeded");
    assertThat(job.status().lastExit()).isZero();
    List<String> log = Files.readAllLines(dir.resolve("tick.log"));
    assertThat(log.getFirst()).startsWith("[updraft] run 1 at ").endsWith("(started by hand)");
    assertThat(log).contains("ran bash");
    assertThat(changes.get()).isPositive();
  }

  @Test
  void oneRunAtATimeAndARunPastItsTimeoutIsKilled() throws Exception {
    ScheduledJob job = job("0 3 * * *", "sleep 30", 500, Clock.systemUTC());
    assertThat(job.trigger()).isEqualTo(1);
    long pid = job.status().runningPid();
    assertThat(pid).isPositive();
    assertThat(job.trigger()).isEqualTo(-1);
    assertThat(job.status().lastOutcome().word()).contains("the previous run is still going");
    awaitOutcome(job);
    assertThat(job.status().lastOutcome().word()).isEqualTo("timed out after 0s");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void aFailingRunSaysItsExitCodeAndStopEndsARunGoingOn() throws Exception {
    ScheduledJob failing = job("0 3 * * *", "exit 7", 10_000, Clock.systemUTC());
    failing.trigger();
    awaitOutcome(failing);
    assertThat(failing.status().lastOutcome().word()).isEqualTo("failed (exit 7)");

    ScheduledJob slow = job("0 3 * * *", "sleep 30", 60_000, Clock.systemUTC());
    slow.trigger();
    ProcessHandle run = ProcessHandle.of(slow.status().runningPid()).orElseThrow();
    slow.stop(Duration.ofSeconds(2));
    assertThat(run.onExit().get().isAlive()).isFalse();
    assertThat(slow.trigger()).isEqualTo(-1); // stopped: no more runs
  }

  @Test
  void aRunNoLongerGoingHasItsOutcome() {
    // What deploy run relies on: once the status shows no pid, it shows how the run ended.
    for (int i = 1; i <= 30; i++) {
      ScheduledJob job = job("0 3 * * *", "exit 3", 10_000, Clock.systemUTC());
      job.trigger();
      Protocol.ScheduleStatus status = job.status();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (status.runningPid() != 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        status = job.status();
      }
      assertThat(status.lastOutcome().word()).as("run %d", i).isEqualTo("failed (exit 3)");
    }
  }

  private static void awaitOutcome(ScheduledJob job) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (job.status().runningPid() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
