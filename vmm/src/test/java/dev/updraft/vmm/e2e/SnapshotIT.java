package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.snapshot.RebaseSnap;
import dev.updraft.vmm.snapshot.UffdHandler;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import dev.updraft.vmm.testing.JavaProcesses;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's snapshot guide on {@code updraft vm} processes, driven by curl: the snap guest
 * counts, prints a tick line and writes its drive every 20 ms; it is paused and snapshotted mid-run
 * and restored in a fresh process, where it goes on exactly where it was: no tick lost or repeated
 * across the processes' consoles, its memory pages and drive sectors checked by the guest itself at
 * the end.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
class SnapshotIT {
  private static final Pattern TICK = Pattern.compile("tick (\\d+) count=(\\d+)");
  private static final int TICKS = 60;

  @TempDir Path dir;
  private final List<VmmOnKvm> vmms = new ArrayList<>();
  private final List<Process> helpers = new ArrayList<>();

  @AfterEach
  void kill() {
    vmms.forEach(VmmOnKvm::close);
    helpers.forEach(Process::destroyForcibly);
  }

  @Test
  void aGuestSnapshottedMidRunGoesOnInAFreshProcessAndBadFilesChangeNothing() throws Exception {
    Path disk = disk();
    VmmOnKvm a = boot("a", disk, false);
    a.await(console("a"), "tick 10 ");
    assertThat(a.curl("PUT", "/snapshot/create", create("Full", "vm.state", "vm.mem")))
        .startsWith("400 ")
        .contains(
            "Create snapshot error: Cannot save the microVM state: Operation not allowed:"
                + " save/restore unavailable while running");
    a.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
    a.expect204("PUT", "/snapshot/create", create("Full", "vm.state", "vm.mem"));
    assertThat(a.curl("GET", "/", null)).contains("\"state\":\"Paused\"");
    a.close();
    assertThat(Files.size(dir.resolve("vm.mem"))).isEqualTo(128L << 20);

    Path state = dir.resolve("vm.state");
    Process describe =
        JavaProcesses.java(VmmMain.class, "--describe-snapshot", state.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(new String(describe.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("v1.3.0\n");

    VmmOnKvm b = start("b");
    byte[] good = Files.readAllBytes(state);
    Path truncated = Files.write(dir.resolve("truncated.state"), Arrays.copyOf(good, 999));
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Path damaged = Files.write(dir.resolve("damaged.state"), flipped);
    Path foreign = Files.write(dir.resolve("v2.state"), withMajorVersion(good, 2));
    Path shortMemory = dir.resolve("short.mem");
    Files.copy(dir.resolve("vm.mem"), shortMemory);
    try (RandomAccessFile file = new RandomAccessFile(shortMemory.toFile(), "rw")) {
      file.setLength(64L << 20);
    }
    String refused =
        "400 {\"fault_message\":\"Load snapshot error: Failed to restore from snapshot: ";
    assertThat(b.curl("PUT", "/snapshot/load", load(truncated, "vm.mem", "")))
        .startsWith(refused + "snapshot_path: " + truncated + ": truncated: 999 bytes");
    assertThat(b.curl("PUT", "/snapshot/load", load(damaged, "vm.mem", "")))
        .startsWith(refused + "snapshot_path: " + damaged + ": damaged: its CRC-32C is");
    assertThat(b.curl("PUT", "/snapshot/load", load(foreign, "vm.mem", "")))
        .startsWith(
            refused
                + "snapshot_path: "
                + foreign
                + ": snapshot format v2."
                + dev.updraft.vmm.snapshot.SnapshotVersion.CURRENT.minor()
                + ".0");
    assertThat(b.curl("PUT", "/snapshot/load", load(state, "short.mem", "")))
        .startsWith(
            refused
                + "mem_backend.backend_path: "
                + shortMemory
                + ": 67108864 bytes (expected: 134217728");
    assertThat(
            b.curl(
                "PUT",
                "/snapshot/load",
                "{\"snapshot_path\": \""
                    + state
                    + "\", \"mem_backend\": {\"backend_type\": \"Uffd\", \"backend_path\": \""
                    + dir.resolve("nobody.sock")
                    + "\"}}"))
        .startsWith(refused + "mem_backend.backend_path: " + dir.resolve("nobody.sock"));
    assertThat(
            b.curl(
                "PUT",
                "/snapshot/load",
                load(
                    state,
                    "vm.mem",
                    ", \"network_overrides\": [{\"iface_id\": \"eth0\","
                        + " \"host_dev_name\": \"tap0\"}]")))
        .startsWith(refused + "network_overrides: iface_id \\\"eth0\\\"");
    assertThat(b.curl("GET", "/", null))
        .as("nothing changed")
        .contains("\"state\":\"Not started\"");
    b.expect204("PUT", "/serial", "{\"serial_out_path\": \"" + console("b") + "\"}");
    b.expect204("PUT", "/snapshot/load", load(state, "vm.mem", ", \"resume_vm\": true"));
    assertThat(b.awaitExit()).as("the restored guest ends, and with it the VMM").isZero();

    GuestReport report = GuestReport.parse(VmmOnKvm.read(console("b")));
    report.requirePassed("snap-memory", "snap-count", "snap-drive");
    assertContinuous(VmmOnKvm.read(console("a")) + VmmOnKvm.read(console("b")));
    assertThat(VmmOnKvm.read(dir.resolve("b.log")))
        .contains("Guest running from the snapshot: first KVM_RUN");
    assertThat(driveRecords(disk)).as("the drive has every tick's record").isEqualTo(TICKS);
  }

  @Test
  void aRestoredVmTracksDirtyPagesTakesADiffAndThatRestoresThroughAPageFaultHandler()
      throws Exception {
    Path disk = disk();
    VmmOnKvm a = boot("a", disk, false);
    a.await(console("a"), "tick 5 ");
    a.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
    a.expect204("PUT", "/snapshot/create", create("Full", "one.state", "one.mem"));
    a.close();

    VmmOnKvm b = start("b");
    b.expect204("PUT", "/serial", "{\"serial_out_path\": \"" + console("b") + "\"}");
    b.expect204(
        "PUT",
        "/snapshot/load",
        load(dir.resolve("one.state"), "one.mem", ", \"track_dirty_pages\": true"));
    assertThat(b.curl("GET", "/", null)).contains("\"state\":\"Paused\"");
    assertThat(b.curl("GET", "/vm/config", null)).contains("\"track_dirty_pages\":true");
    b.expect204("PATCH", "/vm", "{\"state\": \"Resumed\"}");
    b.await(console("b"), "tick 25 ");
    b.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
    b.expect204("PUT", "/snapshot/create", create("Diff", "two.state", "two.diff"));
    b.close();
    Path two = Files.copy(dir.resolve("one.mem"), dir.resolve("two.mem"));
    long copied = rebase(two, dir.resolve("two.diff"));
    assertThat(copied)
        .as("the pages written since the load, far fewer than the 128 MiB of memory")
        .isPositive()
        .isLessThan(16L << 20);

    Path socket = dir.resolve("uffd.sock");
    Path handlerOut = dir.resolve("handler.out");
    Process handler =
        JavaProcesses.java(UffdHandler.class, socket.toString(), dir.resolve("two.mem").toString())
            .redirectErrorStream(true)
            .redirectOutput(handlerOut.toFile())
            .start();
    helpers.add(handler);
    waitFor(socket, handler);
    VmmOnKvm c = start("c");
    c.expect204("PUT", "/serial", "{\"serial_out_path\": \"" + console("c") + "\"}");
    c.expect204(
        "PUT",
        "/snapshot/load",
        "{\"snapshot_path\": \""
            + dir.resolve("two.state")
            + "\", \"mem_backend\": {\"backend_type\": \"Uffd\", \"backend_path\": \""
            + socket
            + "\"}, \"resume_vm\": true}");
    assertThat(c.awaitExit()).isZero();
    GuestReport.parse(VmmOnKvm.read(console("c")))
        .requirePassed("snap-memory", "snap-count", "snap-drive");
    assertContinuous(
        VmmOnKvm.read(console("a")) + VmmOnKvm.read(console("b")) + VmmOnKvm.read(console("c")));
    assertThat(handler.waitFor(30, TimeUnit.SECONDS)).as("the handler ends with its VMM").isTrue();
    assertThat(handler.exitValue()).isZero();
    assertThat(VmmOnKvm.read(handlerOut)).contains("the VMM is gone; served ");
  }

  @Test
  void aDiffLaidOverAFullWithRebaseSnapRestores() throws Exception {
    Path disk = disk();
    VmmOnKvm a = boot("a", disk, true);
    a.await(console("a"), "tick 5 ");
    a.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
    a.expect204("PUT", "/snapshot/create", create("Full", "full.state", "full.mem"));
    a.expect204("PATCH", "/vm", "{\"state\": \"Resumed\"}");
    a.await(console("a"), "tick 20 ");
    a.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
    a.expect204("PUT", "/snapshot/create", create("Diff", "diff.state", "diff.mem"));
    a.close();

    Path merged = Files.copy(dir.resolve("full.mem"), dir.resolve("merged.mem"));
    assertThat(rebase(merged, dir.resolve("diff.mem")))
        .as("fifteen ticks dirty far less than the 128 MiB a full snapshot writes")
        .isPositive()
        .isLessThan(16L << 20);

    VmmOnKvm b = start("b");
    b.expect204("PUT", "/serial", "{\"serial_out_path\": \"" + console("b") + "\"}");
    b.expect204(
        "PUT",
        "/snapshot/load",
        load(dir.resolve("diff.state"), "merged.mem", ", \"resume_vm\": true"));
    assertThat(b.awaitExit()).isZero();
    GuestReport.parse(VmmOnKvm.read(console("b")))
        .requirePassed("snap-memory", "snap-count", "snap-drive");
    assertContinuous(VmmOnKvm.read(console("a")) + VmmOnKvm.read(console("b")));
  }

  @Test
  @Tag("root")
  @EnabledIf(
      value = "dev.updraft.sys.Host#tapAvailable",
      disabledReason = "needs root and /dev/net/tun")
  @NeedsProgram(value = "ip", debian = "iproute2")
  void networkOverridesPutTheRestoredInterfaceOnAnotherTap() throws Exception {
    String prefix = "usnap" + ProcessHandle.current().pid() % 100_000;
    String before = prefix + "a";
    String after = prefix + "b";
    try {
      for (String tap : List.of(before, after)) {
        ip("tuntap", "add", "dev", tap, "mode", "tap");
        ip("link", "set", tap, "up");
      }
      VmmOnKvm a = boot("a", disk(), false, before);
      a.await(console("a"), "tick 5 ");
      assertThat(ip("link", "show", before)).doesNotContain("NO-CARRIER");
      a.expect204("PATCH", "/vm", "{\"state\": \"Paused\"}");
      a.expect204("PUT", "/snapshot/create", create("Full", "vm.state", "vm.mem"));
      a.close();
      assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ip("link", "show", after)).as("no VMM on it yet").contains("NO-CARRIER");

      VmmOnKvm b = start("b");
      b.expect204("PUT", "/serial", "{\"serial_out_path\": \"" + console("b") + "\"}");
      b.expect204(
          "PUT",
          "/snapshot/load",
          load(
              dir.resolve("vm.state"),
              "vm.mem",
              ", \"network_overrides\": [{\"iface_id\": \"eth0\", \"host_dev_name\": \""
                  + after
                  + "\"}]"));
      assertThat(b.curl("GET", "/vm/config", null)).contains("\"host_dev_name\":\"" + after + "\"");
      assertThat(ip("link", "show", after))
          .as("the restored VMM holds it")
          .doesNotContain("NO-CARRIER");
      assertThat(ip("link", "show", before)).contains("NO-CARRIER");
      b.expect204("PATCH", "/vm", "{\"state\": \"Resumed\"}");
      assertThat(b.awaitExit()).isZero();
      GuestReport.parse(VmmOnKvm.read(console("b")))
          .requirePassed("snap-memory", "snap-count", "snap-drive");
      assertContinuous(VmmOnKvm.read(console("a")) + VmmOnKvm.read(console("b")));
    } finally {
      for (String tap : List.of(before, after)) {
        new ProcessBuilder("ip", "link", "del", tap).start().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String ip(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    return out;
  }

  /** {@code rebase-snap} in a process of its own; returns how many bytes it copied. */
  private static long rebase(Path base, Path diff) throws Exception {
    Process rebase =
        JavaProcesses.java(
                RebaseSnap.class, "--base-file", base.toString(), "--diff-file", diff.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(rebase.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(rebase.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(rebase.exitValue()).as(said).isZero();
    Matcher copied = Pattern.compile("copied (\\d+) bytes").matcher(said);
    assertThat(copied.find()).as(said).isTrue();
    return Long.parseLong(copied.group(1));
  }

  /** A VMM that boots the snap guest with a drive, its console in a file. */
  private VmmOnKvm boot(String name, Path disk, boolean trackDirtyPages) throws Exception {
    return boot(name, disk, trackDirtyPages, null);
  }

  /** The same with a network interface eth0 on {@code tap} (the guest leaves it alone). */
  private VmmOnKvm boot(String name, Path disk, boolean trackDirtyPages, String tap)
      throws Exception {
    VmmOnKvm vm = start(name);
    if (tap != null) {
      vm.expect204(
          "PUT",
          "/network-interfaces/eth0",
          "{\"iface_id\": \"eth0\", \"host_dev_name\": \"" + tap + "\"}");
    }
    vm.expect204("PUT", "/serial", "{\"serial_out_path\": \"" + console(name) + "\"}");
    vm.expect204(
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("snap")
            + "\", \"boot_args\": \"blk=1 ticks="
            + TICKS
            + " period_ms=20\"}");
    vm.expect204(
        "PUT",
        "/drives/rootfs",
        "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
            + disk
            + "\", \"is_root_device\": true, \"is_read_only\": false, \"cache_type\":"
            + " \"Writeback\"}");
    vm.expect204(
        "PUT",
        "/machine-config",
        "{\"vcpu_count\": 1, \"mem_size_mib\": 128, \"track_dirty_pages\": "
            + trackDirtyPages
            + "}");
    vm.expect204("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
    return vm;
  }

  private VmmOnKvm start(String name) throws Exception {
    VmmOnKvm vm = VmmOnKvm.start(dir.resolve(name + ".sock"), dir.resolve(name + ".out"));
    vmms.add(vm);
    vm.expect204(
        "PUT",
        "/logger",
        "{\"log_path\": \"" + dir.resolve(name + ".log") + "\", \"level\": \"Info\"}");
    return vm;
  }

  private Path console(String name) {
    return dir.resolve(name + ".console");
  }

  private Path disk() throws Exception {
    return Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
  }

  private String create(String type, String state, String memory) {
    return "{\"snapshot_type\": \""
        + type
        + "\", \"snapshot_path\": \""
        + dir.resolve(state)
        + "\", \"mem_file_path\": \""
        + dir.resolve(memory)
        + "\"}";
  }

  private String load(Path state, String memory, String more) {
    return "{\"snapshot_path\": \""
        + state
        + "\", \"mem_backend\": {\"backend_type\": \"File\", \"backend_path\": \""
        + dir.resolve(memory)
        + "\"}"
        + more
        + "}";
  }

  /** Ticks 1 to TICKS each once and in order, counts never going back. */
  private static void assertContinuous(String consoles) {
    Matcher m = TICK.matcher(consoles);
    long expected = 1;
    long lastCount = -1;
    while (m.find()) {
      assertThat(Long.parseLong(m.group(1)))
          .as("the tick after %d", expected - 1)
          .isEqualTo(expected);
      long count = Long.parseLong(m.group(2));
      assertThat(count).as("count at tick %d", expected).isGreaterThanOrEqualTo(lastCount);
      lastCount = count;
      expected++;
    }
    assertThat(expected - 1).as("ticks").isEqualTo(TICKS);
  }

  /** How many sectors from 1 hold a tick record ("tick N count C"), as the guest wrote them. */
  private static int driveRecords(Path disk) throws Exception {
    byte[] bytes = Files.readAllBytes(disk);
    int records = 0;
    for (int sector = 1; sector <= TICKS; sector++) {
      String head = new String(bytes, sector * 512, 16, StandardCharsets.US_ASCII);
      if (head.startsWith("tick " + sector + " count ")) {
        records++;
      }
    }
    return records;
  }

  private static byte[] withMajorVersion(byte[] original, int major) {
    byte[] bytes = original.clone();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) major);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  private static void waitFor(Path socket, Process owner) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket)) {
      assertThat(owner.isAlive()).as("the handler is running").isTrue();
      assertThat(System.nanoTime()).as("handler socket within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
