package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.local.Protocol;
import dev.updraft.deploy.local.SupervisorClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cron jobs on the local target: the supervisor runs them on their schedule, by hand, across a new
 * version and across its own death; removing a job takes it off the schedule.
 */
class CronJobIT {
  @TempDir Path dir;
  private Path spec;
  private Path runs;
  private final List<Event> events = Shops.events();

  @BeforeEach
  void writeSpec() throws Exception {
    Files.createDirectories(dir.resolve("job"));
    runs = dir.resolve("runs.txt");
    Files.writeString(
        dir.resolve("job/tick.sh"),
        "echo \"tick $VERSION $(date +%s) secret=$TOKEN\"\necho \"$VERSION\" >> \"$RUNS\"\n");
    spec = dir.resolve("updraft.yaml");
    write("1", "* * * * *");
  }

  private void write(String version, String schedule) throws Exception {
    Files.writeString(
        spec,
        """
        environment: crontest
        jobs:
          tick:
            path: ./job
            command: bash tick.sh
            when: cron
            schedule: "%s"
            timezone: Europe/Paris
            timeout: 20s
            env: {VERSION: "%s", RUNS: "%s"}
            secrets: {TOKEN: {value: hunter2hunter2}}
        """
            .formatted(schedule, version, runs));
  }

  @AfterEach
  void destroy() {
    Shops.destroy(spec, events);
  }

  @Test
  void runsByHandOnScheduleAndPlansNothingWhenUnchanged() throws Exception {
    Engine engine = Shops.engine(spec, events);
    ServiceState state = engine.apply().services().get("tick");
    assertThat(state.instances()).hasSize(1);
    String id = state.instances().getFirst().id();
    assertThat(schedule(id))
        .hasValueSatisfying(j -> assertThat(j.zone()).isEqualTo("Europe/Paris"));
    Plan again = engine.plan();
    assertThat(again.isEmpty()).as(again.render()).isTrue();

    Target.JobRun run = engine.runJob("tick");
    assertThat(run.succeeded()).isTrue();
    assertThat(run.outcome()).isEqualTo("succeeded");
    assertThat(run.logTail())
        .contains("tick 1")
        .contains("secret=******")
        .doesNotContain("hunter2");
    assertThat(Files.readAllLines(runs))
        .as("by hand (and on time, at a minute boundary)")
        .isNotEmpty()
        .containsOnly("1");

    // The schedule fires on its own at the next minute.
    awaitRuns(2, Duration.ofSeconds(75));
    assertThat(schedule(id))
        .hasValueSatisfying(
            j -> {
              assertThat(j.runs()).isGreaterThanOrEqualTo(2);
              assertThat(j.lastOutcome().word()).isEqualTo("succeeded");
            });
  }

  @Test
  void aNewVersionReplacesTheScheduleAndRemovingTheJobUnschedulesIt() throws Exception {
    Engine engine = Shops.engine(spec, events);
    String first = engine.apply().services().get("tick").instances().getFirst().id();
    write("2", "0 3 * * *");
    assertThat(engine.plan().changes()).anyMatch(c -> c.service().equals("tick"));
    String second = engine.apply().services().get("tick").instances().getFirst().id();
    assertThat(second).isNotEqualTo(first);
    assertThat(schedule(first)).isEmpty();
    assertThat(schedule(second))
        .hasValueSatisfying(j -> assertThat(j.cron()).isEqualTo("0 3 * * *"));
    assertThat(engine.runJob("tick").logTail()).contains("tick 2");

    Files.writeString(
        spec,
        """
        environment: crontest
        jobs:
          other:
            path: ./job
            command: "true"
        """);
    engine.apply();
    assertThat(schedule(second)).isEmpty();
  }

  @Test
  void aNewSupervisorAdoptsTheSchedule() throws Exception {
    // A schedule that cannot fire while the test runs (missed runs: ScheduledJobTest).
    write("1", "0 0 29 2 *");
    Engine engine = Shops.engine(spec, events);
    String id = engine.apply().services().get("tick").instances().getFirst().id();
    assertThat(engine.runJob("tick").succeeded()).isTrue();
    Path dataDir = engine.dataDir();
    Shops.killSupervision(dataDir);
    assertThat(schedule(id)).isEmpty();
    // A new supervisor takes the schedule over from the table the dead one left, runs counted.
    SupervisorClient.ensure(dataDir).close();
    assertThat(schedule(id)).hasValueSatisfying(j -> assertThat(j.runs()).isEqualTo(1));
    assertThat(engine.plan().isEmpty()).isTrue();
    assertThat(engine.runJob("tick").succeeded()).isTrue();
    assertThat(Files.readAllLines(runs)).hasSize(2);
  }

  @Test
  void aRunByHandShowsNoDatabasePassword() throws Exception {
    Files.writeString(
        spec,
        """
        environment: crontest
        jobs:
          tick:
            path: ./job
            command: 'echo "connecting to $DATABASE_URL"'
            when: cron
            schedule: "@daily"
            env: {DATABASE_URL: "${db.url}"}
        databases:
          db: {engine: postgres}
        """);
    Engine engine = Shops.engine(spec, events);
    engine.apply();
    // A new engine, as a new CLI process has: it learns the password from the journal.
    Target.JobRun run = Shops.engine(spec, events).runJob("tick");
    assertThat(run.logTail()).contains("connecting to postgresql://postgres:******@127.0.0.1:");
  }

  @Test
  void onlyDeployedCronJobsRunByHand() {
    Engine engine = Shops.engine(spec, events);
    assertThatThrownBy(() -> engine.runJob("tick"))
        .isInstanceOfSatisfying(
            DeployException.class, e -> assertThat(e.tag()).isEqualTo("NOT_DEPLOYED"));
    assertThatThrownBy(() -> engine.runJob("nope"))
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.tag()).isEqualTo("NOT_A_CRON_JOB");
              assertThat(e.getMessage()).contains("[tick]");
            });
  }

  private Optional<Protocol.ScheduleStatus> schedule(String id) {
    Predicate<Protocol.ScheduleStatus> named = j -> j.id().equals(id);
    try (SupervisorClient client = SupervisorClient.connect(dir.resolve(".updraft/crontest"))) {
      if (client == null) {
        return Optional.empty();
      }
      return client.call(Protocol.Request.of(Protocol.Op.STATUS)).schedules().stream()
          .filter(named)
          .findFirst();
    }
  }

  private void awaitRuns(int n, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(runs) && Files.readAllLines(runs).size() >= n) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "fewer than " + n + " runs within " + within + ": " + Files.readAllLines(runs));
  }
}
