package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.local.Observation;
import dev.updraft.deploy.local.StatusReport;
import dev.updraft.sys.testing.NeedsProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands as users write them, run by {@code sh -c} as Kubernetes runs them: variables before a
 * program, {@code cd dir &&}, a process left behind in the background; stopping leaves no orphan; a
 * failure says which program was missing or not executable, and a failed health check what it got.
 */
@NeedsProgram(value = "python3", debian = "python3")
class ShellCommandsIT {
  @TempDir Path dir;

  private Path spec(String environment, String command, String health, String env)
      throws Exception {
    Path root = Files.createDirectories(dir.resolve(environment));
    Files.createDirectories(root.resolve("web/site"));
    Files.writeString(root.resolve("web/site/server.py"), Shops.PYTHON_SERVER);
    Files.writeString(root.resolve("web/run"), "#!/bin/sh\nexec python3 site/server.py\n");
    Path spec = root.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: %s
        applications:
          web:
            path: ./web
            command: '%s'
            env: {%s}
            health: %s
        """
            .formatted(environment, command, env, health));
    return spec;
  }

  /** The {@code sleep} processes whose argument is {@code marker}. */
  private static List<ProcessHandle> sleeping(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
        .toList();
  }

  /** A {@code sleep} argument no other process has: {@code PREFIX.NNNNNN} seconds. */
  private static String marker(String prefix) {
    return String.format(
        Locale.ROOT, "%s.%06d", prefix, ThreadLocalRandom.current().nextInt(1_000_000));
  }

  /** The sleeps of {@code marker} still there 10 s after a stop (a SIGKILL takes a moment). */
  private static List<ProcessHandle> leftAfterStop(String marker) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!sleeping(marker).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return sleeping(marker);
  }

  @FunctionalInterface
  private interface WhileUp {
    void run(Engine engine, String marker) throws Exception;
  }

  /**
   * Deploys a service whose command leaves a process in the background through a subshell (it is
   * reparented: only its process group still ties it to the instance), runs {@code whileUp},
   * destroys the environment; returns what is left of that process.
   */
  private List<ProcessHandle> leftBehind(String environment, WhileUp whileUp) throws Exception {
    String marker = marker("3617");
    Path spec =
        spec(
            environment,
            "(sleep " + marker + " &); cd site && PYTHONUNBUFFERED=1 python3 server.py",
            "{path: /health}",
            "GREETING: hi");
    Engine engine = Shops.engine(spec, Shops.events());
    try {
      int port = engine.apply().services().get("web").servicePort();
      assertThat(Shops.get(port, "/").body()).isEqualTo("cwd=site unbuffered=1");
      assertThat(sleeping(marker)).hasSize(1);
      whileUp.run(engine, marker);
    } finally {
      engine.destroy();
    }
    return leftAfterStop(marker);
  }

  @Test
  void commandsRunAsShellCommandsAndStoppingLeavesNothingBehind() throws Exception {
    assertThat(leftBehind("shell", (engine, marker) -> {}))
        .as("what the instance left in the background")
        .isEmpty();
  }

  @Test
  void anAdoptedInstanceIsStoppedWithWhatItLeftInTheBackground() throws Exception {
    WhileUp adopt =
        (engine, marker) -> {
          Path data = engine.dataDir();
          long instance = Shops.pids(Observation.of(data)).values().iterator().next();
          // kill -9 of the supervisor: the one its watchdog starts adopts the instance by pid
          // and start time; it did not start it, yet stops it with its process group.
          long supervisor = Shops.pid(data, "supervisor.pid");
          Shops.kill9(supervisor);
          long deadline = System.nanoTime() + 60_000_000_000L;
          while (System.nanoTime() < deadline
              && (Observation.of(data).supervisor() != Observation.Supervision.RUNNING
                  || Shops.pid(data, "supervisor.pid") == supervisor)) {
            Thread.sleep(50);
          }
          assertThat(Shops.pid(data, "supervisor.pid")).isNotEqualTo(supervisor);
          assertThat(Shops.pids(Observation.of(data))).containsValue(instance);
          assertThat(sleeping(marker)).hasSize(1);
        };
    assertThat(leftBehind("adopted", adopt))
        .as("what the adopted instance left in the background")
        .isEmpty();
  }

  @Test
  void statusSaysWhatAFailingHealthCheckGotInTheRolloutsWords() throws Exception {
    // Deployed with a TCP check, which passes; the spec then checks /health, which answers 500.
    Path spec = spec("sick", "cd site && exec python3 server.py", "{tcp: true}", "HEALTH: \"500\"");
    List<Event> events = Shops.events();
    Engine engine = Shops.engine(spec, events);
    try {
      engine.apply();
      Shops.replace(spec, "health: {tcp: true}", "health: {path: /health}");
      StatusReport report = StatusReport.of(engine.spec(), engine.history(), engine.dataDir());
      StatusReport.InstanceReport instance = report.services().getFirst().instances().getFirst();
      assertThat(instance.running()).isTrue();
      assertThat(instance.health())
          .isEqualTo(
              "unhealthy: GET http://127.0.0.1:"
                  + instance.port()
                  + "/health answered 500 (body: \"db down\")");
    } finally {
      Shops.destroy(spec, events);
    }
  }

  @Test
  void aJobPastItsTimeoutIsStoppedWithWhatItLeftInTheBackground() throws Exception {
    String marker = marker("3618");
    Path root = Files.createDirectories(dir.resolve("late"));
    Path spec = root.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: late
        jobs:
          migrate: {path: ., command: "(sleep %s &); sleep 60", timeout: 2s}
        """
            .formatted(marker));
    List<Event> events = Shops.events();
    try {
      Shops.engine(spec, events).apply();
      throw new AssertionError("the job's timeout did not fail the apply");
    } catch (DeployException e) {
      assertThat(e.tag()).isEqualTo("JOB_TIMEOUT");
    } finally {
      Shops.destroy(spec, events);
    }
    assertThat(leftAfterStop(marker)).as("what the job left in the background").isEmpty();
  }

  @Test
  void aMissingProgramIsNamed() throws Exception {
    assertThat(failure("missing", "PYTHONUNBUFFERED=1 python9 server.py", "{tcp: true}", ""))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).contains("its process exited (exit 127)");
              assertThat(e.hint())
                  .startsWith("python9 was not found on the PATH")
                  .contains("applications.web.command");
            });
  }

  @Test
  void aProgramThatIsNotExecutableIsNamed() throws Exception {
    DeployException e =
        failure(
            "noexec",
            "./run",
            "{tcp: true}",
            "",
            spec -> {
              Path run = spec.resolveSibling("web/run");
              Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rw-r--r--"));
            });
    assertThat(e.getMessage()).contains("(exit 126)");
    assertThat(e.hint()).startsWith("./run is not executable: chmod +x it");
  }

  @Test
  void aFailedHealthCheckSaysWhatItGot() throws Exception {
    String cd = "cd site && exec python3 server.py";
    assertThat(
            failure("status", cd, "{path: /health, startTimeout: 3s}", "HEALTH: \"500\"")
                .getMessage())
        .contains("not healthy after 3s: GET http://127.0.0.1:")
        .contains("/health answered 500 (body: \"db down\")");
    assertThat(
            failure("slow", cd, "{path: /health, timeout: 1s, startTimeout: 4s}", "HEALTH: slow")
                .getMessage())
        .contains("/health: no answer within 1s (health.timeout)");
    DeployException refused = failure("refused", "sleep 30", "{tcp: true, startTimeout: 2s}", "");
    assertThat(refused.getMessage())
        .contains("not healthy after 2s: connect to 127.0.0.1:")
        .contains("connection refused");
    assertThat(refused.hint()).contains("applications.web.health");
  }

  @FunctionalInterface
  private interface Change {
    void apply(Path spec) throws Exception;
  }

  private DeployException failure(String name, String command, String health, String env)
      throws Exception {
    return failure(name, command, health, env, spec -> {});
  }

  private DeployException failure(
      String name, String command, String health, String env, Change change) throws Exception {
    Path spec = spec(name, command, health, env);
    change.apply(spec);
    List<Event> events = Shops.events();
    try {
      Shops.engine(spec, events).apply();
    } catch (DeployException e) {
      return e;
    } finally {
      Shops.destroy(spec, events);
    }
    throw new AssertionError(name + ": the apply succeeded");
  }
}
