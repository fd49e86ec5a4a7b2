package dev.updraft.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.runtime.VmExit;
import dev.updraft.vmm.testing.GuestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding API on real KVM, in this test's JVM: the documented example boots, pauses,
 * snapshots and restores a guest that goes on counting, and talks to a guest over vsock; several
 * VMs share the process, and a crashing guest ends only its own VM.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
class EmbeddingIT {
  @TempDir Path dir;

  @Test
  void theDocumentedLifecycleRestoresAGuestThatGoesOn() throws Exception {
    long micros = EmbeddingExample.lifecycle(GuestImages.pvh("pause"), dir);
    System.out.println("restore into the warm process: " + micros + " us");
    assertThat(Files.readString(dir.resolve("copy.txt")))
        .contains("tick 3 ")
        .doesNotContain("tick 1 ");
  }

  @Test
  void oneSnapshotRestoresManyTimesIntoThisProcess() throws Exception {
    Path state = dir.resolve("vm.state");
    Path memory = dir.resolve("vm.mem");
    try (MicroVm vm =
        MicroVm.builder()
            .kernel(GuestImages.pvh("pause"))
            .bootArgs("ticks=100000 period_ms=20")
            .memoryMib(32)
            .console(dir.resolve("console.txt"))
            .boot()) {
      EmbeddingExample.awaitText(dir.resolve("console.txt"), "tick 1 ");
      vm.pause();
      vm.snapshot(state, memory);
    }
    int restores = Integer.getInteger("restore.count", 20);
    long[] micros = new long[restores];
    for (int i = 0; i < restores; i++) {
      Path console = dir.resolve("copy" + i + ".txt");
      long started = System.nanoTime();
      try (MicroVm copy = MicroVm.restore(state, memory).console(console).load()) {
        micros[i] = (System.nanoTime() - started) / 1_000;
        assertThat(copy.isPaused()).isFalse();
        if (i == restores - 1) {
          EmbeddingExample.awaitText(console, "tick 2 ");
        }
      }
    }
    long[] sorted = micros.clone();
    java.util.Arrays.sort(sorted);
    System.out.printf(
        "restore into the warm process, %d restores of a 32 MiB guest: first %d us, p50 %d us,"
            + " p90 %d us%n",
        restores, micros[0], sorted[restores / 2], sorted[(int) (restores * 0.9)]);
  }

  @Test
  void theDocumentedVsockExampleHearsItsEcho() throws Exception {
    assertThat(EmbeddingExample.vsock(GuestImages.pvh("vsock"), dir)).isEqualTo("ping");
  }

  @Test
  void aCrashingGuestEndsOnlyItsOwnVm() throws Exception {
    try (MicroVm healthy =
            MicroVm.builder()
                .id("healthy")
                .kernel(GuestImages.pvh("pause"))
                .bootArgs("ticks=100000 period_ms=50")
                .memoryMib(32)
                .console(dir.resolve("healthy.txt"))
                .boot();
        MicroVm crashing =
            MicroVm.builder()
                .id("crashing")
                .kernel(GuestImages.pvh("crash"))
                .memoryMib(32)
                .console(dir.resolve("crash.txt"))
                .boot()) {
      VmExit exit = crashing.awaitExit(60, TimeUnit.SECONDS);
      assertThat(exit.reason()).contains("triple fault");
      long size = Files.size(dir.resolve("healthy.txt"));
      EmbeddingExample.awaitText(dir.resolve("healthy.txt"), "tick 1 ");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Files.size(dir.resolve("healthy.txt")) <= size) {
        assertThat(System.nanoTime()).as("the healthy guest goes on").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(healthy.exit().toCompletableFuture().isDone()).isFalse();
    }
  }

  @Test
  void badValuesNameTheField() {
    assertThatThrownBy(() -> MicroVm.builder().kernel(dir.resolve("k")).vcpus(99).boot())
        .isInstanceOf(ConfigException.class)
        .hasMessage("vcpu_count: 99 (expected: 1 to 32)");
    assertThatThrownBy(() -> MicroVm.builder().boot()).hasMessageContaining("kernel: not set");
  }
}
