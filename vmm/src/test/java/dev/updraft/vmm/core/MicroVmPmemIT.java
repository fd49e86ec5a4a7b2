package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.config.CpuTemplate;
import dev.updraft.vmm.config.HugePages;
import dev.updraft.vmm.config.MachineConfig;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.runtime.VmLogger;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pmem guest on a virtio-pmem device: it finds the device, reads the host's marker through its
 * region in guest physical memory, writes with a plain store and flushes; the host sees the store
 * in the file. A read-only device drops the store. A snapshot taken while the guest waits restores
 * the region at the same place and the queue where it was.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
class MicroVmPmemIT {
  private static final long MARKER = 0x484f53544d41524bL; // "KRAMTSOH"
  private static final long WRITE = 0x4755455354575231L;
  private static final long WRITE2 = 0x5345434f4e443232L;
  private static final long GO = 0x60d0_60d0L;

  @TempDir Path dir;

  /** A file of {@code length} bytes with the marker at offset 0. */
  private Path file(long length) throws IOException {
    Path file = dir.resolve("pmem.img");
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, MARKER), 0);
      ch.truncate(length);
      if (ch.size() < length) {
        ch.write(ByteBuffer.allocate(1), length - 1);
      }
    }
    return file;
  }

  private static long longAt(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(b, offset);
      return b.getLong(0);
    }
  }

  private static void writeLong(Path file, long offset, long value) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value), offset);
    }
  }

  private static String args(String extra) {
    return "marker=0x"
        + Long.toHexString(MARKER)
        + " write=0x"
        + Long.toHexString(WRITE)
        + (extra.isEmpty() ? "" : " " + extra);
  }

  private static GuestRun start(Path file, boolean readOnly, String extra) {
    PmemConfig pmem = new PmemConfig("pmem0", file, false, readOnly, null);
    return GuestRun.start(GuestImages.pvh("pmem"), args(extra), 1, 128, b -> b.pmem(pmem));
  }

  @Test
  void theGuestReadsTheHostsMarkerAndItsFlushedStoreReachesTheFile() throws Exception {
    // 1 MiB: the region is 2 MiB, the file laid over anonymous memory.
    Path file = file(1 << 20);
    GuestReport report;
    try (GuestRun run = start(file, false, "")) {
      report = run.report();
    }
    report.requirePassed("pmem-found", "pmem-region", "pmem-read", "pmem-write", "pmem-flush");
    System.out.println("pmem flush: " + report.require("flush_us") + " us (guest's view)");
    assertThat(report.require("pmem_start")).isEqualTo("0x8000000000");
    assertThat(report.require("pmem_size")).isEqualTo("0x200000");
    assertThat(longAt(file, 8)).isEqualTo(WRITE);
    assertThat(Files.size(file)).as("the file keeps its length").isEqualTo(1 << 20);
  }

  @Test
  void aReadOnlyDeviceDropsTheGuestsStore() throws Exception {
    Path file = file(2 << 20);
    GuestReport report;
    try (GuestRun run = start(file, true, "ro=1")) {
      report = run.report();
    }
    report.requirePassed("pmem-found", "pmem-read", "pmem-read-only");
    assertThat(longAt(file, 8)).isZero();
  }

  @Test
  void aSnapshotRestoresTheRegionInPlaceAndTheQueueWhereItWas() throws Exception {
    Path file = file(4 << 20);
    Path state = dir.resolve("vm.state");
    Path memory = dir.resolve("vm.mem");
    String extra = "go=0x" + Long.toHexString(GO) + " write2=0x" + Long.toHexString(WRITE2);
    try (GuestRun a = start(file, false, extra)) {
      assertThat(a.serial.await(l -> l.equals("ready"), Duration.ofSeconds(60))).isPresent();
      assertThat(longAt(file, 8)).isEqualTo(WRITE);
      a.vm.pause();
      new RunningMicroVm(a.vm, quiet())
          .createSnapshot(
              MicroVmSnapshotIT.full(state, memory),
              VmResources.defaults()
                  .withMachine(
                      new MachineConfig(1, 128, false, false, HugePages.NONE, CpuTemplate.NONE)));
    }
    try (GuestRun b = GuestRun.restore(MicroVmSnapshotIT.load(state, memory))) {
      assertThat(b.vm.pmemConfigs()).extracting(PmemConfig::id).containsExactly("pmem0");
      writeLong(file, 16, GO);
      GuestReport report = b.report();
      report.requirePassed("pmem-go", "pmem-flush-again");
    }
    assertThat(longAt(file, 24)).isEqualTo(WRITE2);
  }

  private static VmLogger quiet() {
    return new VmLogger() {
      @Override
      public void error(String m) {}

      @Override
      public void warn(String m) {}

      @Override
      public void info(String m) {}

      @Override
      public void debug(String m) {}
    };
  }
}
