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

  @Test
  void theDirtyLogShowsPagesTheGuestWroteOnce() {
    // mov [cs:0x3000], al; hlt
    byte[] code = {0x2E, (byte) 0xA2, 0x00, 0x30, (byte) 0xF4};
    try (Kvm kvm = Kvm.open();
        VmFd vm = kvm.createVm();
        MappedMemory ram = MappedMemory.anonymous(RAM)) {
      vm.setUserMemoryRegion(0, 0, RAM, ram.address(), VmFd.MEM_LOG_DIRTY_PAGES);
      ram.write(CODE, code, 0, code.length);
      try (VcpuFd vcpu = vm.createVcpu(0)) {
        realMode(vcpu);
        long pages = RAM / 4096;
        assertThat(vm.dirtyLog(0, pages)).containsOnly(0L); // nothing yet (the VMM's write is not)
        assertThat(vcpu.run()).isInstanceOf(VcpuExit.Hlt.class);
        long[] log = vm.dirtyLog(0, pages);
        assertThat(log).hasSize((int) (pages / 64));
        assertThat(log[0]).isEqualTo(1L << 3);
        assertThat(vm.dirtyLog(0, pages)).as("reading clears it").containsOnly(0L);
      }
    }
  }

  @Test
  void aVcpuAndItsInterruptControllersMoveToAnotherVm() {
    // again: inc ax; out 0xf0, al; jmp again
    byte[] code = {0x40, (byte) 0xE6, (byte) 0xF0, (byte) 0xEB, (byte) 0xFB};
    try (Kvm kvm = Kvm.open();
        VmFd first = kvm.createVm();
        VmFd second = kvm.createVm();
        MappedMemory ram = MappedMemory.anonymous(RAM)) {
      ram.write(CODE, code, 0, code.length);
      for (VmFd vm : new VmFd[] {first, second}) {
        vm.setTssAddress(0xFFFB_D000L);
        vm.createIrqchip();
        vm.createPit2();
        vm.setUserMemoryRegion(0, 0, RAM, ram.address(), 0);
      }
      try (VcpuFd from = first.createVcpu(0);
          VcpuFd to = second.createVcpu(0)) {
        from.setCpuid(kvm.supportedCpuid());
        realMode(from);
        for (int i = 1; i <= 3; i++) {
          assertThat(from.run()).isInstanceOf(VcpuExit.IoOut.class);
        }
        // Save in Firecracker's order (MP state first, events last) and restore in its order.
        int mpState = from.mpState();
        Regs regs = from.regs();
        Sregs sregs = from.sregs();
        byte[] fpu = from.fpu();
        byte[] xsave = from.xsave();
        byte[] xcrs = from.xcrs();
        byte[] debug = from.debugRegs();
        byte[] lapic = from.lapic();
        var cpuid = from.cpuid();
        var msrs = from.msrs(kvm.msrIndexList());
        byte[] events = from.vcpuEvents();
        byte[] master = first.irqchip(VmFd.IRQCHIP_PIC_MASTER);
        byte[] ioapic = first.irqchip(VmFd.IRQCHIP_IOAPIC);
        byte[] pit = first.pit2();
        ClockData clock = first.clock();
        assertThat(xsave).hasSize(from.xsaveSize());
        assertThat(cpuid).isNotEmpty();
        assertThat(regs.rax() & 0xFFFF).isEqualTo(3);

        to.setCpuid(cpuid);
        to.setMpState(mpState);
        to.setRegs(regs);
        to.setSregs(sregs);
        to.setFpu(fpu);
        to.setXsave(xsave);
        to.setXcrs(xcrs);
        to.setDebugRegs(debug);
        to.setLapic(lapic);
        to.setMsrs(msrs);
        to.setVcpuEvents(events);
        second.setPit2(pit);
        second.setClock(clock.withFlags(0));
        second.setIrqchip(master);
        second.setIrqchip(ioapic);

        assertThat(second.irqchip(VmFd.IRQCHIP_IOAPIC)).isEqualTo(ioapic);
        assertThat(to.sregs()).isEqualTo(sregs);
        assertThat(to.run())
            .as("the copy goes on where the original stopped")
            .isInstanceOfSatisfying(
                VcpuExit.IoOut.class, out -> assertThat(out.data()).containsExactly(4));
        assertThat(second.clock().clock()).isGreaterThanOrEqualTo(clock.clock());
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
