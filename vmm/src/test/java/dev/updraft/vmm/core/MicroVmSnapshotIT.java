package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.IoEngine;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.SnapshotCreate;
import dev.updraft.vmm.config.SnapshotLoad;
import dev.updraft.vmm.config.SnapshotType;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.runtime.VmSnapshotException;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import dev.updraft.vmm.virtio.block.BlockConfig;
import dev.updraft.vmm.virtio.block.CacheType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of the snap guest taken and restored in this JVM: full, and a diff laid over a full.
 * The Uffd backend is tested across processes only (SnapshotIT): a page-fault handler in the VMM's
 * own JVM would deadlock, since a safepoint stops it while a Java thread waits in a fault.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
class MicroVmSnapshotIT {
  private static final Pattern TICK = Pattern.compile("tick (\\d+) count=(\\d+)");
  @TempDir Path dir;

  @Test
  void aFullSnapshotRestoresAndTheGuestGoesOnWhereItStopped() throws Exception {
    Path disk = disk();
    Path state = dir.resolve("vm.state");
    Path memory = dir.resolve("vm.mem");
    String before;
    try (GuestRun a = start(disk, 30, false)) {
      assertThat(a.serial.await(l -> l.startsWith("tick 8 "), Duration.ofSeconds(60))).isPresent();
      assertThatThrownBy(
              () -> running(a).createSnapshot(full(state, memory), resources(disk, false)))
          .isInstanceOf(VmSnapshotException.class)
          .hasMessageContaining("save/restore unavailable while running");
      a.vm.pause();
      running(a).createSnapshot(full(state, memory), resources(disk, false));
      Thread.sleep(100);
      before = a.serial.text();
    }
    assertThat(Files.size(memory)).isEqualTo(128L << 20);
    assertThat(restoreAndFinish(load(state, memory), before, 30).require("ticks")).isEqualTo("30");
  }

  @Test
  void aDiffLaidOverAFullRestoresTheMemoryOfTheDiffsMoment() throws Exception {
    Path disk = disk();
    Path fullState = dir.resolve("full.state");
    Path fullMemory = dir.resolve("full.mem");
    Path diffState = dir.resolve("diff.state");
    Path diffMemory = dir.resolve("diff.mem");
    String before;
    try (GuestRun a = start(disk, 40, true)) {
      awaitTick(a, 5);
      snapshot(a, full(fullState, fullMemory), disk, true);
      a.vm.resume();
      awaitTick(a, 15);
      before =
          snapshot(a, new SnapshotCreate(SnapshotType.DIFF, diffState, diffMemory), disk, true);
    }
    long copied = dev.updraft.vmm.snapshot.RebaseSnap.merge(fullMemory, diffMemory);
    assertThat(copied).as("a diff of ten ticks is far smaller than 128 MiB").isLessThan(16L << 20);
    restoreAndFinish(load(diffState, fullMemory), before, 40);
  }

  /** Restores, runs the guest to its end, checks its report and that no tick was lost. */
  private static GuestReport restoreAndFinish(SnapshotLoad load, String before, int ticks)
      throws Exception {
    try (GuestRun b = GuestRun.restore(load)) {
      GuestReport report = b.report().requirePassed("snap-memory", "snap-count", "snap-drive");
      assertContinuous(before + b.serial.text(), ticks);
      return report;
    }
  }

  private static void awaitTick(GuestRun run, int tick) {
    assertThat(run.serial.await(l -> l.startsWith("tick " + tick + " "), Duration.ofSeconds(60)))
        .isPresent();
  }

  /** Pauses, snapshots and returns the console so far (what the restored guest continues). */
  private static String snapshot(GuestRun run, SnapshotCreate request, Path disk, boolean track)
      throws Exception {
    run.vm.pause();
    running(run).createSnapshot(request, resources(disk, track));
    Thread.sleep(100); // the bytes written before the pause reach the serial log
    return run.serial.text();
  }

  private static RunningMicroVm running(GuestRun run) {
    return new RunningMicroVm(
        run.vm,
        new dev.updraft.vmm.runtime.VmLogger() {
          @Override
          public void error(String m) {}

          @Override
          public void warn(String m) {}

          @Override
          public void info(String m) {}

          @Override
          public void debug(String m) {}
        });
  }

  /** Every tick from 1 to {@code ticks} once, in order, with growing counts. */
  static void assertContinuous(String console, int ticks) {
    Matcher m = TICK.matcher(console);
    long expected = 1;
    long lastCount = -1;
    while (m.find()) {
      assertThat(Long.parseLong(m.group(1))).as("tick after %d", expected - 1).isEqualTo(expected);
      long count = Long.parseLong(m.group(2));
      assertThat(count).as("count at tick %d", expected).isGreaterThanOrEqualTo(lastCount);
      lastCount = count;
      expected++;
    }
    assertThat(expected - 1).as("ticks").isEqualTo(ticks);
  }

  private GuestRun start(Path disk, int ticks, boolean track) {
    BlockConfig drive =
        new BlockConfig("rootfs", disk, false, CacheType.WRITEBACK, RateLimiterConfig.UNLIMITED);
    return GuestRun.start(
        GuestImages.pvh("snap"),
        "blk=1 ticks=" + ticks + " period_ms=20",
        1,
        128,
        b -> b.drive(drive).trackDirtyPages(track));
  }

  private Path disk() throws Exception {
    Path disk = dir.resolve("disk.img");
    Files.write(disk, new byte[1 << 20]);
    return disk;
  }

  static VmResources resources(Path disk, boolean track) {
    return VmResources.defaults()
        .withMachine(
            new MachineConfig(
                1,
                128,
                false,
                track,
                dev.updraft.vmm.config.HugePages.NONE,
                dev.updraft.vmm.config.CpuTemplate.NONE))
        .withDrive(
            new Drive("rootfs", disk, true, null, false, CacheType.WRITEBACK, IoEngine.SYNC, null));
  }

  static SnapshotCreate full(Path state, Path memory) {
    return new SnapshotCreate(SnapshotType.FULL, state, memory);
  }

  static SnapshotLoad load(Path state, Path memory) {
    return new SnapshotLoad(
        state,
        new SnapshotLoad.MemoryBackend(SnapshotLoad.BackendType.FILE, memory),
        false,
        true,
        List.of(),
        null,
        false,
        SnapshotLoad.LoadHugePages.SNAPSHOT);
  }
}
