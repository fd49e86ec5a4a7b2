package dev.updraft.vmm.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Host;
import dev.updraft.sys.kvm.Regs;
import dev.updraft.sys.kvm.Segment;
import dev.updraft.sys.kvm.Sregs;
import dev.updraft.sys.kvm.VcpuFd;
import dev.updraft.vmm.devices.BusDevice;
import dev.updraft.vmm.memory.MemoryRegion;
import dev.updraft.vmm.metrics.PhaseLog;
import dev.updraft.vmm.vcpu.VcpuStop;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** The machine with in-kernel irqchip and PIT running a few bytes of real-mode code. */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
class KvmMachineIT {
  private static final List<MemoryRegion> RAM = List.of(new MemoryRegion(0, 1 << 20));
  private static final long CODE = 0x1000;
  // mov dx,0x3f8; mov al,'H'; out dx,al; mov al,'i'; out dx,al; mov al,0xfe; out 0x64,al; hlt
  private static final byte[] HI = {
    (byte) 0xBA,
    (byte) 0xF8,
    0x03,
    (byte) 0xB0,
    'H',
    (byte) 0xEE,
    (byte) 0xB0,
    'i',
    (byte) 0xEE,
    (byte) 0xB0,
    (byte) 0xFE,
    (byte) 0xE6,
    0x64,
    (byte) 0xF4
  };

  @Test
  void guestOutputReachesThePortBusAndAResetEndsTheMachine() throws Exception {
    sayHiAndReset();
  }

  @Test
  void machinesBuiltOnSpareVmsRunAndTheSpareIsMadeAgain() throws Exception {
    SpareVms.keepOne();
    awaitSpare();
    sayHiAndReset();
    awaitSpare();
    sayHiAndReset();
  }

  @Test
  void aMachineClosedWhileTheReaperRunsIsFreedByIt() throws Exception {
    KvmReaper.start();
    List<MemoryRegion> ram = List.of(new MemoryRegion(0, 3 << 20));
    KvmMachine machine = KvmMachine.create(ram, 1);
    long start = machine.memory().hostAddress(0);
    long end = start + (3 << 20);
    assertThat(mapped(start, end)).as("guest memory mapped").isTrue();
    // Another test may have started the spare thread, which maps memory for its next VM: let it
    // finish, so that nothing else is mapped where this machine's memory was.
    settleSpares();
    machine.close();
    assertThat(KvmReaper.awaitIdle(30_000)).as("the reaper frees it within 30 s").isTrue();
    assertThat(mapped(start, end)).as("guest memory unmapped").isFalse();
  }

  private static void settleSpares() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int quiet = 0;
    while (quiet < 5 && System.nanoTime() < deadline) {
      quiet = SpareVms.making() ? 0 : quiet + 1;
      Thread.sleep(20);
    }
  }

  /**
   * Whether any mapping of /proc/self/maps overlaps {@code [start, end)} (the kernel merges
   * neighbouring anonymous mappings into one line, so a range is not always a line of its own).
   */
  private static boolean mapped(long start, long end) throws Exception {
    try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines.anyMatch(
          l -> {
            String[] range = l.substring(0, l.indexOf(' ')).split("-");
            long from = Long.parseUnsignedLong(range[0], 16);
            long to = Long.parseUnsignedLong(range[1], 16);
            return Long.compareUnsigned(from, end) < 0 && Long.compareUnsigned(start, to) < 0;
          });
    }
  }

  private static void awaitSpare() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!SpareVms.ready()) {
      assertThat(System.nanoTime()).as("a spare VM within 30 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static void sayHiAndReset() throws Exception {
    try (KvmMachine machine = KvmMachine.create(RAM, 1)) {
      machine.memory().write(CODE, HI, 0, HI.length);
      runHi(machine);
    }
  }

  /** Runs {@link #HI} at CODE in real mode: "Hi" on the serial port, then an i8042 reset. */
  private static void runHi(KvmMachine machine) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    machine.pio().insert(device(data -> console.write(data[0])), 0x3F8, 8, "com1");
    machine
        .pio()
        .insert(
            device(
                data ->
                    machine.guestEnded(
                        "i8042 reset (0x" + Integer.toHexString(data[0] & 0xFF) + ")")),
            0x64,
            1,
            "i8042");
    realMode(machine.vcpuFds().getFirst());
    machine.start();
    assertThat(machine.stopped().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(new VcpuStop.GuestEnded("i8042 reset (0xfe)"));
    assertThat(console.toString()).isEqualTo("Hi");
    assertThat(machine.vcpuCounters().snapshot()).containsEntry("exit_io_out", 3L);
  }

  @Test
  void aMemoryFileMappedOverASparesMemorySlotsIsWhatTheGuestRuns(@TempDir Path dir)
      throws Exception {
    SpareVms.keepOne();
    // From now on the spare has this shape: its vCPU and memory slot are made ahead.
    KvmMachine.create(RAM, 1).close();
    awaitSpare();
    byte[] image = new byte[(int) RAM.getFirst().size()];
    System.arraycopy(HI, 0, image, (int) CODE, HI.length);
    Path file = dir.resolve("memory");
    Files.write(file, image);
    PhaseLog phases = PhaseLog.start();
    try (KvmMachine machine =
        KvmMachine.create(new GuestRam.PrivateFile(RAM, file), 1, false, phases)) {
      assertThat(phases.toString())
          .as("the spare brought its vCPU and memory slot")
          .doesNotContain("memory_slots")
          .doesNotContain("vcpus ");
      runHi(machine);
      machine.memory().write(0x3000, new byte[] {1, 2, 3}, 0, 3);
    }
    assertThat(Files.readAllBytes(file))
        .as("copy-on-write: the file is unchanged")
        .isEqualTo(image);
  }

  @Test
  void pauseStopsTheGuestAndResumeLetsItGoOn() throws Exception {
    byte[] loop = {
      (byte) 0xFF, 0x06, 0x00, 0x30, (byte) 0xEB, (byte) 0xFA
    }; // inc word [0x3000]; jmp
    try (KvmMachine machine = KvmMachine.create(RAM, 2)) {
      machine.memory().write(CODE, loop, 0, loop.length);
      machine.configureCpus(false);
      realMode(machine.vcpuFds().getFirst());
      machine.start();
      awaitChange(machine);
      machine.pause();
      short frozen = machine.memory().readShort(0x3000);
      Thread.sleep(100);
      assertThat(machine.memory().readShort(0x3000)).isEqualTo(frozen);
      machine.resume();
      awaitChange(machine);
      machine.stop();
      assertThat(machine.stopped().toCompletableFuture().get(5, TimeUnit.SECONDS))
          .isEqualTo(new VcpuStop.Requested());
    }
  }

  @Test
  @EnabledIf(value = "onPvm", disabledReason = "only kvm_pvm's emulator refuses XRSTOR")
  void anInstructionKvmCannotEmulateEndsTheMachineWithTheReason() throws Exception {
    byte[] code = {0x0F, (byte) 0xAE, 0x2E, 0x00, 0x30}; // xrstor [0x3000], as Linux's FPU init
    try (KvmMachine machine = KvmMachine.create(RAM, 1)) {
      machine.memory().write(CODE, code, 0, code.length);
      realMode(machine.vcpuFds().getFirst());
      machine.start();
      assertThat(machine.stopped().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              VcpuStop.Failed.class,
              f ->
                  assertThat(f.message())
                      .contains("KVM could not emulate a guest instruction at rip 0x1000")
                      .contains("kvm_pvm")
                      .contains("a Linux kernel cannot boot here"));
    }
  }

  static boolean onPvm() {
    return Host.onKvmPvm();
  }

  private static void awaitChange(KvmMachine machine) throws InterruptedException {
    short before = machine.memory().readShort(0x3000);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (machine.memory().readShort(0x3000) == before) {
      assertThat(System.nanoTime()).as("guest counter moves").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private interface Sink {
    void accept(byte[] data);
  }

  private static BusDevice device(Sink onWrite) {
    return new BusDevice() {
      @Override
      public void read(long offset, byte[] data) {}

      @Override
      public void write(long offset, byte[] data) {
        onWrite.accept(data);
      }
    };
  }

  static void realMode(VcpuFd vcpu) {
    Sregs s = vcpu.sregs();
    Segment flat = new Segment(0, 0xFFFF, 0, 0xB, true, 0, false, true, false, false, false, false);
    Segment data = new Segment(0, 0xFFFF, 0, 0x3, true, 0, false, true, false, false, false, false);
    vcpu.setSregs(
        s.with(flat, data, s.tr(), s.gdt(), s.idt(), s.cr0(), s.cr3(), s.cr4(), s.efer()));
    vcpu.setRegs(new Regs(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CODE, 0x2));
  }
}
