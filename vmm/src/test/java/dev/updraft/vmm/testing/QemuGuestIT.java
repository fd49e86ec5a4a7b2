package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every test guest under QEMU's microvm with KVM: this proves the guests right independently of
 * updraft's VMM, which runs the same images. (Networking is in {@link QemuNetIT}, which needs
 * root.)
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = Qemu.BINARY, debian = "qemu-system-x86")
@NeedsProgram(value = "gcc", debian = "gcc")
class QemuGuestIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration LINE_TIMEOUT = Duration.ofSeconds(30);
  private static final int SECTOR = 512;

  @TempDir Path dir;

  static QemuConfig guest(String name) {
    return QemuConfig.of(GuestImages.pvh(name));
  }

  /** Runs to the end and prints the wall time, the figure docs/benchmarks.md quotes. */
  static Qemu.Result run(String name, QemuConfig config) {
    Qemu.Result result = Qemu.run(config, TIMEOUT);
    System.out.printf(
        "qemu guest %s: %d ms wall, exit %d%n", name, result.wall().toMillis(), result.exitCode());
    assertThat(result.timedOut())
        .as("timed out; serial:%n%s", result.report().transcript())
        .isFalse();
    return result;
  }

  @Test
  void bootReportsPvhTheCommandLineAndTheMemoryMap() {
    Qemu.Result result =
        run("boot", guest("boot").withMemoryMib(256).withCmdline("expect_mem_mib=256 hello=world"));

    GuestReport report = result.report().requirePassed("boot-magic", "memmap", "mem-size");
    assertThat(result.exitCode()).isEqualTo(Qemu.EXIT_PASSED);
    assertThat(report.require("protocol")).isEqualTo("pvh");
    assertThat(report.require("cmdline")).startsWith("expect_mem_mib=256 hello=world");
    assertThat(report.require("e820")).contains("0x0-0x9fc00:1").contains("0x100000-0x10000000:1");
    assertThat(report.require("acpi")).isEqualTo("absent");
  }

  @Test
  void theLinux64EntryReadsTheZeroPage() {
    QemuConfig shim =
        QemuConfig.of(GuestImages.linux64Shim("boot"))
            .withCmdline("expect_mem_mib=128")
            .with("-device", "virtio-rng-device");

    GuestReport report = run("boot (linux64 via shim)", shim).report();

    report.requirePassed("boot-magic", "memmap", "mem-size");
    assertThat(report.require("protocol")).isEqualTo("linux64");
    assertThat(report.require("cmdline")).contains("expect_mem_mib=128 virtio_mmio.device=");
    assertThat(report.require("e820")).contains("0x100000-0x8000000:1");
  }

  @Test
  void bootChecksQemusAcpiTables() {
    Qemu.Result result =
        run(
            "boot",
            guest("boot")
                .withAcpi(true)
                .withVcpus(2)
                .withCmdline("expect_acpi=1 expect_vcpus=2 expect_virtio=1")
                .with("-device", "virtio-rng-device"));

    GuestReport report =
        result
            .report()
            .requirePassed(
                "acpi-rsdp-checksum",
                "acpi-rsdp-revision",
                "acpi-rsdp-extended-checksum",
                "acpi-xsdt",
                "acpi-fadt",
                "acpi-fadt-hw-reduced",
                "acpi-dsdt",
                "acpi-madt",
                "acpi-madt-lapics",
                "acpi-dsdt-virtio");
    assertThat(report.require("xsdt")).contains("FACP").contains("APIC");
    assertThat(report.require("madt_lapics")).isEqualTo("2");
    assertThat(report.require("dsdt_com1")).as("COM1 as EisaId(PNP0501)").isEqualTo("1");
  }

  @Test
  void serialEchoesALineUpperCased() {
    try (Qemu qemu = Qemu.start(guest("serial"))) {
      assertThat(qemu.serial().awaitLine("ready", LINE_TIMEOUT)).isPresent();
      qemu.type("hello, updraft\n");
      Qemu.Result result = qemu.await(TIMEOUT);
      assertThat(result.report().requirePassed("serial-read").require("echo"))
          .isEqualTo("HELLO, UPDRAFT");
    }
  }

  @Test
  void blkReadsWritesFlushesAndTheHostFileHasTheWrite() throws Exception {
    byte[] sector0 = new byte[SECTOR];
    new Random(42).nextBytes(sector0);
    Path disk = disk(sector0, 1 << 20);

    Qemu.Result result =
        run("blk", guest("blk").withCmdline("expect_sectors=2048").with(blockDevice(disk, false)));

    GuestReport report =
        result
            .report()
            .requirePassed(
                "blk-found",
                "blk-capacity",
                "blk-read",
                "blk-write",
                "blk-flush",
                "blk-readback",
                "blk-compare");
    assertThat(report.require("sector0_fnv1a")).isEqualTo(String.format("%08x", fnv1a(sector0)));
    assertThat(Long.decode(report.require("features_accepted")) & (1L << 32)).isNotZero();
    byte[] written = Files.readAllBytes(disk);
    for (int i = 0; i < SECTOR; i++) {
      assertThat(written[SECTOR + i]).as("byte %d of sector 1", i).isEqualTo((byte) ~sector0[i]);
    }
  }

  @Test
  void blkOnAReadOnlyDriveRejectsTheWrite() throws Exception {
    byte[] sector0 = new byte[SECTOR];
    new Random(7).nextBytes(sector0);
    Path disk = disk(sector0, 1 << 20);

    Qemu.Result result = run("blk", guest("blk").with(blockDevice(disk, true)));

    result.report().requirePassed("blk-read", "blk-read-only");
    assertThat(result.report().require("read_only")).isEqualTo("1");
    assertThat(Files.readAllBytes(disk)).startsWith(sector0).hasSize(1 << 20);
    assertThat(Files.readAllBytes(disk)[SECTOR]).isZero();
  }

  @Test
  void rngGivesSixtyFourBytesThatAreNotAllZero() {
    Qemu.Result result = run("rng", guest("rng").with("-device", "virtio-rng-device"));

    String hex =
        result.report().requirePassed("rng-found", "rng-read", "rng-nonzero").require("rng_bytes");
    assertThat(hex).hasSize(128).matches("[0-9a-f]+").isNotEqualTo("0".repeat(128));
  }

  @Test
  void balloonInflatesToTheTargetQmpSetsAndAnswersTheStatsPoll() throws Exception {
    QemuConfig config =
        guest("balloon")
            .withMemoryMib(128)
            .with(
                "-device",
                "virtio-balloon-device,deflate-on-oom=on,guest-stats-polling-interval=1");
    try (Qemu qemu = Qemu.start(config)) {
      assertThat(qemu.serial().awaitLine("ready", LINE_TIMEOUT)).isPresent();
      // QMP's value is the guest's size after ballooning: 12 MiB less.
      qemu.qmp().execute("balloon", "\"value\": " + (116L << 20));
      assertThat(qemu.serial().awaitLine("stats-sent", LINE_TIMEOUT)).isPresent();
      qemu.type("bye\n");
      Qemu.Result result = qemu.await(TIMEOUT);

      GuestReport report = result.report().requirePassed(GuestChecks.balloon());
      assertThat(report.require("num_pages")).isEqualTo(String.valueOf(12 * 256));
    }
  }

  @Test
  void pauseStopsTheTicksAndResumeRestartsThem() throws Exception {
    try (Qemu qemu = Qemu.start(guest("pause").withCmdline("ticks=10 period_ms=50"))) {
      assertThat(qemu.serial().await(line -> line.startsWith("tick 3 "), LINE_TIMEOUT)).isPresent();
      qemu.qmp().execute("stop", "");
      int ticksAtStop = settledTicks(qemu.serial());
      Thread.sleep(600);
      assertThat(ticks(qemu.serial())).as("ticks while paused").hasSize(ticksAtStop);
      long resumed = System.nanoTime();
      qemu.qmp().execute("cont", "");
      Qemu.Result result = qemu.await(TIMEOUT);

      result.report().requirePassed("pause-ticks");
      List<SerialLog.Line> ticks = ticks(qemu.serial());
      assertThat(ticks).hasSize(10);
      SerialLog.Line before = ticks.get(ticksAtStop - 1);
      SerialLog.Line after = ticks.get(ticksAtStop);
      assertThat(after.nanos()).isGreaterThan(resumed);
      assertThat(Duration.ofNanos(after.nanos() - before.nanos()))
          .isGreaterThan(Duration.ofMillis(600));
    }
  }

  @Test
  void ctrlAltDelArrivesAsScancodesThenTheGuestResets() throws Exception {
    try (Qemu qemu = Qemu.start(guest("ctrlaltdel").with("-device", "i8042"))) {
      assertThat(qemu.serial().awaitLine("ready", LINE_TIMEOUT)).isPresent();
      qemu.qmp().sendKeys("ctrl", "alt", "delete");
      Qemu.Result result = qemu.await(TIMEOUT);

      assertThat(result.report().requirePassed("ctrl-alt-del").require("scancodes"))
          .startsWith("14 11 e0 71");
      assertThat(result.exitCode()).isEqualTo(Qemu.EXIT_PASSED);
    }
  }

  @Test
  void resetEndsTheMachineAtOnce() {
    Qemu.Result result = run("reset", guest("reset").with("-device", "i8042"));

    assertThat(result.exitCode()).isEqualTo(Qemu.EXIT_RESET);
    assertThat(result.report().passed()).containsExactly("start");
    assertThat(result.report().done()).isFalse();
  }

  @Test
  void bootTimerWriteIsHarmlessWithoutTheDevice() {
    Qemu.Result result = run("boottimer", guest("boottimer"));

    result.report().requirePassed("boot-timer-written");
    assertThat(result.exitCode()).isEqualTo(Qemu.EXIT_PASSED);
  }

  @Test
  void mmioAndPortExitsAreTimed() {
    Qemu.Result result =
        run("mmio", guest("mmio").withCmdline("count=2000").with("-device", "virtio-rng-device"));

    GuestReport report = result.report().requirePassed("mmio-device", "mmio-timed");
    System.out.printf(
        "qemu mmio: read %s, port write %s, tsc %s%n",
        report.require("mmio_read"), report.require("pio_write"), report.require("tsc_khz"));
    assertThat(report.require("mmio_read")).matches("\\d+ cycles \\d+ ns");
    assertThat(report.require("pio_write")).matches("\\d+ cycles \\d+ ns");
  }

  @Test
  void blkbenchReadsTheRequestedAmount() throws Exception {
    Path disk = disk(new byte[SECTOR], 8 << 20);

    Qemu.Result result =
        run(
            "blkbench",
            guest("blkbench").withCmdline("mib=32 req_kib=128").with(blockDevice(disk, false)));

    GuestReport report = result.report().requirePassed("blkbench");
    System.out.printf(
        "qemu blkbench: %s MiB/s over %s bytes%n",
        report.require("mib_per_s"), report.require("bytes"));
    assertThat(report.require("bytes")).isEqualTo(Long.toString(32L << 20));
  }

  @Test
  void irqDeliversAnInterruptPerRngCompletion() {
    Qemu.Result result =
        run("irq", guest("irq").withCmdline("count=8").with("-device", "virtio-rng-device"));

    GuestReport report = result.report().requirePassed("irq-device", "irq-gsi", "irq-delivered");
    assertThat(Integer.parseInt(report.require("interrupts"))).isGreaterThanOrEqualTo(8);
  }

  private Path disk(byte[] sector0, int size) throws Exception {
    byte[] image = new byte[size];
    System.arraycopy(sector0, 0, image, 0, sector0.length);
    Path disk = dir.resolve("disk.img");
    Files.write(disk, image);
    return disk;
  }

  private static String[] blockDevice(Path disk, boolean readOnly) {
    return new String[] {
      "-drive",
      "id=d0,file=" + disk + ",format=raw,if=none" + (readOnly ? ",readonly=on" : ""),
      "-device",
      "virtio-blk-device,drive=d0"
    };
  }

  /**
   * Tick lines once none has arrived for 200 ms: lines written before a stop may be in the pipe.
   */
  private static int settledTicks(SerialLog serial) throws InterruptedException {
    int count = -1;
    for (int i = 0; i < 25 && count != ticks(serial).size(); i++) {
      count = ticks(serial).size();
      Thread.sleep(200);
    }
    return count;
  }

  private static List<SerialLog.Line> ticks(SerialLog serial) {
    return serial.lines().stream().filter(l -> l.text().startsWith("tick ")).toList();
  }

  private static int fnv1a(byte[] data) {
    int h = 0x811C9DC5;
    for (byte b : data) {
      h = (h ^ (b & 0xFF)) * 16777619;
    }
    return h;
  }
}
