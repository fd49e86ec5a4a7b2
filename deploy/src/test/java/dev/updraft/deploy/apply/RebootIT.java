package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.local.Observation;
import dev.updraft.deploy.local.StatusReport;
import dev.updraft.deploy.local.SystemdUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What survives a reboot, simulated: everything of the environment is killed (as a power cut does),
 * then the command of the unit {@code updraft deploy install} writes is run, as systemd runs it at
 * boot. The environment comes back as its last release left it; SIGTERM (systemctl stop) halts it
 * and keeps what it needs to come back again.
 */
class RebootIT {
  @TempDir Path dir;
  private HelloCopy hello;
  private Process boot;

  @BeforeEach
  void copyExample() {
    hello = HelloCopy.in(dir);
  }

  @AfterEach
  void destroy() {
    if (boot != null) {
      boot.destroyForcibly();
    }
    hello.destroy();
  }

  @Test
  void theUnitsCommandBringsTheLastReleaseBackFromAColdMachine() throws Exception {
    Engine engine = hello.engine();
    engine.apply();
    Path data = engine.dataDir();
    // Not installed: the test writes no file under /etc; the unit's text is what it checks.
    String unit = SystemdUnit.of(data).render(data, dir);
    Map<String, Long> before = Shops.pids(Observation.of(data));
    assertThat(before).hasSize(2);

    // The power goes: every process of the environment dies at once, nothing is cleaned up.
    Shops.kill9(Shops.pid(data, "watchdog.pid"));
    Shops.kill9(Shops.pid(data, "supervisor.pid"));
    before.values().forEach(pid -> killTree(pid));
    assertThat(answers()).isFalse();
    assertThat(Observation.of(data).live()).isEmpty();

    // Boot: systemd runs ExecStart in the unit's working directory; nothing else runs.
    boot =
        new ProcessBuilder(SystemdUnit.execStart(unit))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("journal.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!answers() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(answers()).as("the router answers after the boot").isTrue();
    Map<String, Long> after = Shops.pids(Observation.of(data));
    assertThat(after.keySet()).as("the same instances").isEqualTo(before.keySet());
    assertThat(after.values()).as("started anew").doesNotContainAnyElementsOf(before.values());
    StatusReport report = StatusReport.of(engine.spec(), engine.history(), data);
    assertThat(report.supervisor().watchdog()).isTrue();
    assertThat(report.services().getFirst().instances())
        .allSatisfy(
            i -> {
              assertThat(i.running()).isTrue();
              assertThat(i.release()).isEqualTo(1);
            });
    assertThat(engine.plan().isEmpty()).isTrue();

    // systemctl stop (and a shutdown): SIGTERM to the watchdog halts every process, keeps the
    // table.
    boot.destroy();
    assertThat(boot.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(after.values())
        .allSatisfy(
            pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse());
    assertThat(answers()).isFalse();
    assertThat(Files.readString(data.resolve("supervisor.json"))).contains(before.keySet());
    assertThat(engine.plan().render()).contains("2 of 2 instances not running");
    boot = null;
  }

  private boolean answers() {
    try {
      return Shops.get(hello.port(), "/").statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static void killTree(long pid) {
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> Shops.kill9(d.pid())));
    Shops.kill9(pid);
  }
}
