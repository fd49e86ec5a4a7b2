package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.local.Observation;
import dev.updraft.deploy.local.Protocol;
import dev.updraft.deploy.local.StatusReport;
import dev.updraft.deploy.local.SupervisorClient;
import dev.updraft.deploy.local.SystemdUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local target end to end with the one-service example: real builds, processes, routing. */
class LocalDeployIT {
  @TempDir Path dir;
  private Path spec;
  private int port;
  private final List<Event> events = Shops.events();

  @BeforeEach
  void copyExample() {
    Shops.copy("hello", dir);
    spec = dir.resolve("updraft.yaml");
    port = Shops.freePort();
    Shops.replace(spec, "port: 8090", "port: " + port);
  }

  @AfterEach
  void destroy() {
    Shops.destroy(spec, events);
  }

  @Test
  void appliesAnswersThroughTheRouterAndPlansNothingWhenUnchanged() throws Exception {
    Engine engine = Shops.engine(spec, events);
    assertThat(engine.plan().render()).contains("+ app").contains("+ web");
    Engine.Outcome outcome = engine.apply();
    assertThat(outcome.services().get("app").instances()).hasSize(2);
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 1\n");
    Plan again = engine.plan();
    assertThat(again.isEmpty()).isTrue();
    assertThat(again.render()).startsWith("No changes");
    assertThat(events).anyMatch(e -> e instanceof Event.Finished f && f.success());
  }

  @Test
  void aNewSupervisorServesTheRoutesOfTheOneThatDied() throws Exception {
    Engine engine = Shops.engine(spec, events);
    engine.apply();
    Path data = engine.dataDir();
    Shops.killSupervision(data);
    // Any command that needs the supervisor starts one; before an apply publishes anything, the
    // successor adopts the instances and serves the router from the table.
    SupervisorClient.ensure(data).close();
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 1\n");
  }

  @Test
  void planApplyAndStatusAgreeOnWhatRunsWhenNoSupervisorDoes() throws Exception {
    Engine engine = Shops.engine(spec, events);
    engine.apply();
    Path data = engine.dataDir();
    Shops.killSupervision(data);
    // The instances run on their own: nothing to repair, whether a supervisor answers or not.
    StatusReport status = StatusReport.of(engine.spec(), engine.history(), data);
    assertThat(status.supervisor().state()).isEqualTo("down");
    assertThat(status.services().getFirst().instances())
        .allSatisfy(
            i -> {
              assertThat(i.running()).isTrue();
              assertThat(i.state()).isEqualTo("running (unsupervised)");
              assertThat(i.health()).startsWith("healthy");
            });
    assertThat(engine.plan().render()).startsWith("No changes");
    assertThat(engine.apply().plan().isEmpty()).isTrue();
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 1\n");

    // An instance dies too while nothing watches: plan says so, and apply does what plan said.
    Shops.killSupervision(data);
    Protocol.ProcessStatus victim = Observation.of(data).processes().getFirst();
    Shops.kill9(victim.pid()); // its shell: the command it forked lives on, holding the port
    assertThat(StatusReport.of(engine.spec(), engine.history(), data).services().getFirst())
        .satisfies(
            s ->
                assertThat(s.instances())
                    .filteredOn(i -> i.id().equals(victim.id()))
                    .singleElement()
                    .satisfies(i -> assertThat(i.state()).isEqualTo("not running")));
    Plan planned = engine.plan();
    assertThat(planned.render()).contains("repair").contains("1 of 2 instances not running");
    assertThat(engine.apply().plan()).isEqualTo(planned);
    assertThat(engine.plan().render()).startsWith("No changes");
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 1\n");
  }

  @Test
  @SuppressWarnings("try") // the squatter holds the port for the try block's duration
  void aNewSupervisorStartsEvenIfARouterPortWasTakenMeanwhile() throws Exception {
    Engine engine = Shops.engine(spec, events);
    engine.apply();
    Path data = engine.dataDir();
    Shops.killSupervision(data);
    try (java.net.ServerSocket squatter = new java.net.ServerSocket(port)) {
      // Starting it would fail if restoring the routes could; destroy must still work.
      SupervisorClient.ensure(data).close();
      assertThat(Files.readString(data.resolve("supervisor.log")))
          .contains(
              "routes restored in part: listener router-web: cannot listen on 0.0.0.0:" + port);
    }
    engine.apply(); // the port is free again: the next routing serves the router
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 1\n");
  }

  @Test
  void aRollingUpdateUnderLoadFailsNoRequest() throws Exception {
    Engine engine = Shops.engine(spec, events);
    engine.apply();
    Tally tally = new Tally();
    try (Load _ = Load.start(4, tally.get(port))) {
      Thread.sleep(500);
      Shops.replace(dir.resolve("app/Hello.java"), "VERSION = \"1\"", "VERSION = \"2\"");
      Plan plan = engine.plan();
      assertThat(plan.changes())
          .anyMatch(
              c ->
                  c.service().equals("app")
                      && c.action() == Plan.Action.REPLACE
                      && c.reason().equals("source files changed"));
      engine.apply();
      Thread.sleep(500);
    }
    assertThat(tally.failures()).as("failed requests during the update").isEmpty();
    assertThat(tally.answers()).contains("200 hello 1\n").contains("200 hello 2\n");
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 2\n");
  }

  @Test
  void aBrokenVersionRollsTheEnvironmentBackByItself() throws Exception {
    Engine engine = Shops.engine(spec, events);
    engine.apply();
    Shops.replace(
        dir.resolve("app/Hello.java"),
        "    server.start();",
        "    if (true) { System.err.println(\"boom: broken on purpose\"); System.exit(3); }\n    server.start();");
    assertThatThrownBy(engine::apply)
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.tag()).isEqualTo("UNHEALTHY");
              assertThat(e.logTail()).contains("boom: broken on purpose");
              assertThat(e.hint()).isNotBlank();
            });
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 1\n");
    History history = engine.history();
    assertThat(history.releases().getLast().status()).isEqualTo(ReleaseStatus.FAILED);
    assertThat(history.lastGood().number()).isEqualTo(1);
    assertThat(events)
        .anyMatch(e -> e instanceof Event.Stage s && s.stage() == Event.Stage.Name.ROLLBACK);
  }

  @Test
  @SuppressWarnings("try") // the squatter holds the port for the try block's duration
  void aRouterPortInUseFailsClearlyAndTheFailedReleaseLeavesNothingRunning() throws Exception {
    Engine engine = Shops.engine(spec, events);
    // After a destroy there is nothing to roll back to (not the destroy's empty spec).
    engine.apply();
    Shops.destroy(spec, events);
    try (java.net.ServerSocket squatter = new java.net.ServerSocket(port)) {
      assertThatThrownBy(engine::apply)
          .isInstanceOfSatisfying(
              DeployException.class,
              e -> {
                assertThat(e.tag()).isEqualTo("ROUTER_PORT");
                assertThat(e.getMessage())
                    .isEqualTo(
                        "web: cannot listen on 0.0.0.0:"
                            + port
                            + ": the address is in use (another program listens there)");
                assertThat(e.hint()).contains("routers.web.port");
              });
    }
    try (SupervisorClient client = SupervisorClient.connect(dir.resolve(".updraft/hello"))) {
      assertThat(client.call(Protocol.Request.of(Protocol.Op.STATUS)).processes())
          .as("the release's instances are stopped")
          .isEmpty();
    }
    assertThat(engine.history().releases().getLast().status()).isEqualTo(ReleaseStatus.FAILED);
    // Once the port is free the same spec applies and answers.
    engine.apply();
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 1\n");
  }

  @Test
  void killingTheEngineMidApplyConvergesOnTheNextRun() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process engine =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                EngineMain.class.getName(),
                spec.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("engine.log").toFile())
            .start();
    Path journal = dir.resolve(".updraft/hello/journal.jsonl");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // Kill it once the first instance is running: mid-release, with work done and work left.
    while (System.nanoTime() < deadline) {
      if (Files.exists(journal)
          && Files.readString(journal).contains("\"action\":\"build\"")
          && Files.readString(dir.resolve("engine.log")).contains("instance app-")) {
        break;
      }
      Thread.sleep(20);
    }
    engine.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(Files.readString(journal)).doesNotContain("release-finished");

    Engine again = Shops.engine(spec, events);
    again.apply();
    History history = again.history();
    assertThat(history.releases().getFirst().status()).isEqualTo(ReleaseStatus.INTERRUPTED);
    assertThat(history.releases().getLast().status()).isEqualTo(ReleaseStatus.SUCCEEDED);
    assertThat(again.plan().isEmpty()).isTrue();
    assertThat(Shops.get(port, "/").body()).isEqualTo("hello 1\n");
    assertThat(history.services().get("app").instances()).hasSize(2);
  }

  @Test
  void destroyRemovesTheSystemdUnitInstallWrote() {
    Engine engine = Shops.engine(spec, events);
    Path data = engine.dataDir();
    // Where systemd does not run (here), install writes the file and enables nothing.
    SystemdUnit unit = SystemdUnit.of(data);
    try {
      unit.install(data, dir);
      assertThat(unit.installed()).isPresent();
      engine.destroy();
      assertThat(unit.installed()).isEmpty();
      assertThat(events)
          .anyMatch(
              e ->
                  e instanceof Event.Stage s
                      && s.message().startsWith("removed the systemd unit " + unit.file()));
    } finally {
      unit.uninstall();
    }
  }
}
