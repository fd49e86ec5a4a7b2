package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.spec.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance whose shell dies takes its command along before it starts again, as a container's
 * processes end with it: the command left running would hold the port every new start needs.
 */
class LeftBehindIT {
  @TempDir Path dir;

  /** A shell that forks its command (the {@code true} after it keeps even a dash from exec'ing). */
  private Protocol.ProcessSpec spec() {
    return new Protocol.ProcessSpec(
        "app-v1-1",
        "app",
        List.of("/bin/sh", "-c", "sleep 300; true"),
        dir.toString(),
        Map.of("PATH", System.getenv("PATH")),
        dir.resolve("app.log").toString(),
        true,
        Service.Resources.NONE);
  }

  @Test
  void aCrashedShellsCommandEndsBeforeTheRestart() throws Exception {
    ManagedProcess process =
        new ManagedProcess(
            spec(), Cgroups.detect(dir), dev.updraft.deploy.logs.Rotation.DEFAULT, () -> {});
    process.launch();
    try {
      ProcessHandle shell = handle(process);
      ProcessHandle command = child(shell);
      shell.destroyForcibly();
      // Gone, and a new shell runs in its place.
      awaitRestart(process, shell.pid());
      assertThat(ManagedProcess.ended(command, System.nanoTime())).isTrue();
      assertThat(process.status().restarts()).isEqualTo(1);
    } finally {
      process.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void anAdoptedInstanceFoundDeadTakesItsCommandAlong() throws Exception {
    // What a supervisor that died had started: the shell was killed while none watched.
    Process shell = new ProcessBuilder(ProcessGroups.newSession(spec().command())).start();
    ProcessHandle command = child(shell.toHandle());
    long started = shell.toHandle().info().startInstant().orElseThrow().toEpochMilli();
    shell.destroyForcibly().waitFor();
    assertThat(command.isAlive()).as("a shell's command outlives it").isTrue();

    ManagedProcess process =
        new ManagedProcess(
            spec(), Cgroups.detect(dir), dev.updraft.deploy.logs.Rotation.DEFAULT, () -> {});
    process.adoptOrLaunch(shell.pid(), started, 0);
    try {
      // Ended (a zombie when this machine's init reaps no orphans).
      assertThat(ManagedProcess.ended(command, System.nanoTime())).isTrue();
      assertThat(process.alive()).isTrue();
    } finally {
      process.stop(Duration.ofSeconds(5));
      command.destroyForcibly();
    }
  }

  private static ProcessHandle handle(ManagedProcess process) {
    return ProcessHandle.of(process.status().pid()).orElseThrow();
  }

  private static ProcessHandle child(ProcessHandle parent) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      var child = parent.children().findFirst();
      if (child.isPresent()) {
        return child.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no child of " + parent.pid());
  }

  private static void awaitRestart(ManagedProcess process, long oldPid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (process.alive() && process.status().pid() != oldPid) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not restarted: " + process.status());
  }
}
