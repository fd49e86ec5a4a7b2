package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import dev.updraft.vmm.vcpu.VcpuStop;
import dev.updraft.vmm.virtio.block.BlockConfig;
import dev.updraft.vmm.virtio.block.CacheType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** The freestanding test guests on updraft's own VMM (the same images QemuGuestIT runs). */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
class MicroVmIT {
  private static final int SECTOR = 512;
  @TempDir Path dir;

  @Test
  void pvhBootSeesTheMemoryMapCommandLineAndAcpiTables() throws Exception {
    try (GuestRun run =
        GuestRun.start(
            GuestImages.pvh("boot"),
            "expect_mem_mib=256 expect_vcpus=2 expect_acpi=1 expect_virtio=1 hello=world",
            2,
            256,
            b -> b.entropy(null))) {
      GuestReport report =
          run.report()
              .requirePassed(
                  "boot-magic",
                  "memmap",
                  "mem-size",
                  "acpi-rsdp-checksum",
                  "acpi-xsdt",
                  "acpi-fadt",
                  "acpi-fadt-hw-reduced",
                  "acpi-dsdt",
                  "acpi-dsdt-virtio",
                  "acpi-madt",
                  "acpi-madt-lapics");
      assertThat(report.require("protocol")).isEqualTo("pvh");
      assertThat(report.require("cmdline"))
          .startsWith("expect_mem_mib=256")
          .contains("hello=world virtio_mmio.device=4K@0xc0001000:5");
      assertThat(report.require("e820"))
          .contains("0x0-0x9fc00:1")
          .contains("0x9fc00-0xe0000:2")
          .contains("0x100000-0x10000000:1");
      assertThat(report.require("madt_lapics")).isEqualTo("2");
      assertThat(report.require("dsdt_com1")).isEqualTo("1");
    }
  }

  @Test
  void linuxBootProtocolGivesAZeroPage() throws Exception {
    try (GuestRun run = GuestRun.start(GuestImages.linux64("boot"), "expect_mem_mib=128")) {
      GuestReport report = run.report().requirePassed("boot-magic", "memmap", "mem-size");
      assertThat(report.require("protocol")).isEqualTo("linux64");
      assertThat(report.require("e820")).contains("0x100000-0x8000000:1");
    }
  }

  @Test
  void theGuestResettingThroughTheI8042EndsTheVm() throws Exception {
    try (GuestRun run = GuestRun.start(GuestImages.pvh("reset"), "")) {
      assertThat(run.awaitDrained()).isEqualTo(new VcpuStop.GuestEnded("reset (i8042)"));
      assertThat(run.serial.text()).contains("ok start");
    }
  }

  @Test
  void serialInputReachesTheGuestAndItsOutputComesBack() throws Exception {
    try (GuestRun run = GuestRun.start(GuestImages.pvh("serial"), "")) {
      assertThat(run.serial.awaitLine("ready", Duration.ofSeconds(30))).isPresent();
      run.type("hello, updraft\n");
      assertThat(run.report().requirePassed("serial-read").require("echo"))
          .isEqualTo("HELLO, UPDRAFT");
    }
  }

  @Test
  void theBootTimerLogsTheGuestBootTime() throws Exception {
    try (GuestRun run = GuestRun.start(GuestImages.pvh("boottimer"), "")) {
      run.report().requirePassed("boot-timer-written");
      assertThat(run.log).anySatisfy(l -> assertThat(l).startsWith("Guest-boot-time = "));
    }
  }

  @Test
  void blkReadWriteFlushRoundTripsThroughTheHostFile() throws Exception {
    byte[] sector0 = new byte[SECTOR];
    new Random(42).nextBytes(sector0);
    Path disk = dir.resolve("disk.img");
    byte[] image = new byte[1 << 20];
    System.arraycopy(sector0, 0, image, 0, SECTOR);
    Files.write(disk, image);
    BlockConfig drive =
        new BlockConfig("rootfs", disk, false, CacheType.WRITEBACK, RateLimiterConfig.UNLIMITED);
    try (GuestRun run =
        GuestRun.start(
            GuestImages.pvh("blk"), "expect_sectors=2048", 1, 128, b -> b.drive(drive))) {
      run.report()
          .requirePassed(
              "blk-found",
              "blk-capacity",
              "blk-read",
              "blk-write",
              "blk-flush",
              "blk-readback",
              "blk-compare");
      assertThat(run.vm.metrics())
          .filteredOn(c -> c.group().equals("block_rootfs"))
          .singleElement()
          .satisfies(c -> assertThat(c.snapshot().get("flush_count")).isPositive());
    }
    byte[] written = Files.readAllBytes(disk);
    for (int i = 0; i < SECTOR; i++) {
      assertThat(written[SECTOR + i]).as("byte %d of sector 1", i).isEqualTo((byte) ~sector0[i]);
    }
  }

  @Test
  void aSerialRateLimitDropsWhatExceedsItAndCountsIt() throws Exception {
    // 64 bytes, refilled over 100 s: the boot guest's report is far longer.
    var bucket = new dev.updraft.vmm.ratelimit.TokenBucketConfig(64, 0, 100_000);
    try (GuestRun run =
        GuestRun.start(GuestImages.pvh("boot"), "", 1, 128, b -> b.serialRateLimit(bucket))) {
      run.awaitDrained();
      assertThat(run.serial.text().length()).isLessThanOrEqualTo(64);
      assertThat(run.vm.metrics())
          .filteredOn(c -> c.group().equals("uart"))
          .singleElement()
          .satisfies(c -> assertThat(c.snapshot().get("rate_limiter_dropped_bytes")).isPositive());
    }
  }

  @Test
  void rngFillsTheGuestsBuffer() throws Exception {
    try (GuestRun run = GuestRun.start(GuestImages.pvh("rng"), "", 1, 128, b -> b.entropy(null))) {
      String hex =
          run.report().requirePassed("rng-found", "rng-read", "rng-nonzero").require("rng_bytes");
      assertThat(hex).hasSize(128).isNotEqualTo("0".repeat(128));
    }
  }

  @Test
  void interruptsArriveThroughIrqfd() throws Exception {
    try (GuestRun run =
        GuestRun.start(GuestImages.pvh("irq"), "count=8", 1, 128, b -> b.entropy(null))) {
      GuestReport report = run.report().requirePassed("irq-device", "irq-gsi", "irq-delivered");
      assertThat(Integer.parseInt(report.require("interrupts"))).isGreaterThanOrEqualTo(8);
    }
  }

  @Test
  void sendCtrlAltDelReachesTheGuestsKeyboardController() throws Exception {
    try (GuestRun run = GuestRun.start(GuestImages.pvh("ctrlaltdel"), "")) {
      assertThat(run.serial.awaitLine("ready", Duration.ofSeconds(30))).isPresent();
      assertThat(run.vm.sendCtrlAltDel()).isTrue();
      run.report().requirePassed("ctrl-alt-del");
    }
  }

  @Test
  void pauseStopsTheGuestAndResumeRestartsIt() throws Exception {
    try (GuestRun run = GuestRun.start(GuestImages.pvh("pause"), "ticks=12 period_ms=50")) {
      assertThat(run.serial.await(l -> l.startsWith("tick 3 "), Duration.ofSeconds(30)))
          .isPresent();
      run.vm.pause();
      Thread.sleep(200); // what the guest wrote before the pause reaches the log
      int atPause = ticks(run);
      Thread.sleep(500);
      assertThat(ticks(run)).as("no tick while paused").isEqualTo(atPause);
      run.vm.resume();
      assertThat(
              run.serial.await(
                  l -> l.startsWith("tick " + (atPause + 1) + " "), Duration.ofSeconds(30)))
          .isPresent();
      run.report().requirePassed("pause-ticks");
    }
  }

  private static int ticks(GuestRun run) {
    return (int) run.serial.lines().stream().filter(l -> l.text().startsWith("tick ")).count();
  }
}
