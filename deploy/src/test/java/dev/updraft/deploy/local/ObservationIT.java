package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.state.EnvironmentKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What runs, seen from a dead supervisor's table and {@code /proc}. */
class ObservationIT {
  @TempDir Path dir;

  @Test
  void withoutASupervisorItsTablesPidsAreCheckedAgainstWhatRuns() throws Exception {
    Process alive = new ProcessBuilder("sleep", "60").start();
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor(10, TimeUnit.SECONDS);
    try {
      long aliveStarted = started(alive.toHandle());
      // Sealed as a supervisor writes it: what runs is read without opening a value.
      new ProcessTable(dir.resolve("supervisor.json"), EnvironmentKey.of(dir))
          .save(
              new ProcessTable.Contents(
                  List.of(
                      new ProcessTable.Row(spec("app-v1-1", 4001), alive.pid(), aliveStarted, 2),
                      new ProcessTable.Row(spec("app-v1-2", 4002), ended.pid(), aliveStarted, 0),
                      // A recycled pid: the process that has it now started at another time.
                      new ProcessTable.Row(
                          spec("app-v1-3", 4003), alive.pid(), aliveStarted - 60_000, 0)),
                  List.of(),
                  null));
      Observation seen = Observation.of(dir);
      assertThat(seen.supervisor()).isEqualTo(Observation.Supervision.DOWN);
      assertThat(seen.live()).containsExactly("app-v1-1");
      assertThat(seen.process("app-v1-1"))
          .hasValueSatisfying(
              p -> {
                assertThat(p.state()).isEqualTo(ProcessState.UNSUPERVISED);
                assertThat(p.pid()).isEqualTo(alive.pid());
                assertThat(p.port()).isEqualTo(4001);
                assertThat(p.restarts()).isEqualTo(2);
                assertThat(p.startedMillis()).isEqualTo(aliveStarted);
              });
      assertThat(seen.process("app-v1-2"))
          .hasValueSatisfying(p -> assertThat(p.state()).isEqualTo(ProcessState.NOT_RUNNING));
      assertThat(seen.process("app-v1-3")).hasValueSatisfying(p -> assertThat(p.pid()).isZero());
    } finally {
      alive.destroyForcibly();
    }
  }

  @Test
  void aZombieIsNotAlive() throws Exception {
    // The shell becomes a sleep that never reaps the short sleep it started: a zombie for 20 s.
    Process parent = new ProcessBuilder("sh", "-c", "sleep 2 & exec sleep 20").start();
    try {
      ProcessHandle child = null;
      while (child == null) {
        child = parent.toHandle().children().findFirst().orElse(null);
      }
      long started = started(child);
      assertThat(ManagedProcess.same(child.pid(), started)).isPresent();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!ManagedProcess.zombie(child.pid()) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(ManagedProcess.zombie(child.pid())).isTrue();
      assertThat(child.isAlive()).as("the JDK takes a zombie for alive").isTrue();
      assertThat(ManagedProcess.same(child.pid(), started)).isEmpty();
      assertThat(ManagedProcess.gone(child, started).get(5, TimeUnit.SECONDS)).isNull();
      // A stop waits for a zombie no longer than for a process that is gone.
      assertThat(ManagedProcess.ended(child, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)))
          .isTrue();
    } finally {
      parent.destroyForcibly();
    }
  }

  private static long started(ProcessHandle h) {
    return h.info().startInstant().orElseThrow().toEpochMilli();
  }

  private Protocol.ProcessSpec spec(String id, int port) {
    return new Protocol.ProcessSpec(
        id,
        "app",
        List.of("sleep", "60"),
        dir.toString(),
        Map.of("PORT", Integer.toString(port), "TOKEN", "s3cr3t"),
        dir.resolve(id + ".log").toString(),
        true,
        null);
  }
}
