package dev.updraft.sys.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.MappedMemory;
import dev.updraft.sys.Signals;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** Real KVM: a VM with a few bytes of real-mode code exercises every exit the VMM handles. */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
class KvmIT {
  private static final long RAM = 2 << 20;
  private static final long CODE = 0x1000;
  private static final long MMIO_BASE = 0x100_0000;

  @Test
  void hostOffersWhatAVmNeeds() {
    try (Kvm kvm = Kvm.open()) {
      assertThat(kvm.missing(Capability.required())).isEmpty();
      assertThat(kvm.vcpuMmapSize()).isGreaterThanOrEqualTo(4096);
      assertThat(kvm.supportedCpuid()).anySatisfy(e -> assertThat(e.function()).isZero());
      assertThat(kvm.msrIndexList()).contains(0x10); // IA32_TSC
    }
    assertThat(Kvm.hostApiVersion()).isEqualTo(Kvm.API_VERSION);
    assertThat(Kvm.hostApiVersion()).isEqualTo(Kvm.API_VERSION);
  }

  @Test
  void portAndMmioExitsCarryTheGuestsData() {
    // mov al,0x42; out 0xf0,al; mov al,[0]; mov [1],al; hlt   (DS based at MMIO_BASE)
    byte[] code = {
      (byte) 0xB0, 0x42, (byte) 0xE6, (byte) 0xF0, (byte) 0xA0, 0, 0, (byte) 0xA2, 1, 0, (byte) 0xF4
    };
    try (Kvm kvm = Kvm.open();
        VmFd vm = kvm.createVm();
        MappedMemory ram = MappedMemory.anonymous(RAM)) {
      vm.setUserMemoryRegion(0, 0, RAM, ram.address(), 0);
      ram.write(CODE, code, 0, code.length);
      try (VcpuFd vcpu = vm.createVcpu(0)) {
        realMode(vcpu);
        assertThat(vcpu.run())
            .isInstanceOfSatisfying(
                VcpuExit.IoOut.class,
                out -> {
                  assertThat(out.port()).isEqualTo(0xF0);
                  assertThat(out.data()).containsExactly(0x42);
                });
        assertThat(vcpu.run()).isEqualTo(new VcpuExit.MmioRead(MMIO_BASE, 1));
        vcpu.completeRead(new byte[] {(byte) 0x99});
        assertThat(vcpu.run())
            .isInstanceOfSatisfying(
                VcpuExit.MmioWrite.class,
                w -> {
                  assertThat(w.address()).isEqualTo(MMIO_BASE + 1);
                  assertThat(w.data()).containsExactly(0x99);
                });
        assertThat(vcpu.run()).isInstanceOf(VcpuExit.Hlt.class);
        assertThat(vcpu.regs().rip()).isEqualTo(CODE + code.length);
      }
    }
  }

  @Test
  void aKickEndsKvmRunOfASpinningGuest() throws Exception {
    byte[] spin = {(byte) 0xEB, (byte) 0xFE}; // jmp $
    try (Kvm kvm = Kvm.open();
        VmFd vm = kvm.createVm();
        MappedMemory ram = MappedMemory.anonymous(RAM)) {
      vm.setUserMemoryRegion(0, 0, RAM, ram.address(), 0);
      ram.write(CODE, spin, 0, spin.length);
      try (VcpuFd vcpu = vm.createVcpu(0)) {
        realMode(vcpu);
        Signals.kickSignal();
        CompletableFuture<Integer> tid = new CompletableFuture<>();
        CompletableFuture<VcpuExit> exit = new CompletableFuture<>();
        Thread runner =
            Thread.ofPlatform()
                .start(
                    () -> {
                      tid.complete(Signals.currentThreadId());
                      exit.complete(vcpu.run());
                    });
        int thread = tid.get(5, TimeUnit.SECONDS);
        Thread.sleep(50);
        assertThat(exit).isNotDone();
        vcpu.setImmediateExit(true);
        Signals.kick(thread);
        assertThat(exit.get(5, TimeUnit.SECONDS)).isInstanceOf(VcpuExit.Interrupted.class);
        runner.join();
      }
    }
  }

  private static void realMode(VcpuFd vcpu) {
    Sregs s = vcpu.sregs();
    Segment code = new Segment(0, 0xFFFF, 0, 0xB, true, 0, false, true, false, false, false, false);
    Segment data =
        new Segment(MMIO_BASE, 0xFFFF, 0, 0x3, true, 0, false, true, false, false, false, false);
    vcpu.setSregs(
        new Sregs(
            code,
            data,
            s.es(),
            s.fs(),
            s.gs(),
            s.ss(),
            s.tr(),
            s.ldt(),
            s.gdt(),
            s.idt(),
            s.cr0(),
            s.cr2(),
            s.cr3(),
            s.cr4(),
            s.cr8(),
            s.efer(),
            s.apicBase(),
            s.interruptBitmap()));
    Regs r = Regs.reset();
    vcpu.setRegs(new Regs(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CODE, r.rflags()));
  }
}
