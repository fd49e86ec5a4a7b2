package dev.updraft.vmm.core;

import dev.updraft.sys.ErrnoException;
import dev.updraft.sys.KvmException;
import dev.updraft.sys.kvm.Capability;
import dev.updraft.sys.kvm.ClockData;
import dev.updraft.sys.kvm.Kvm;
import dev.updraft.sys.kvm.MsrEntry;
import dev.updraft.sys.kvm.VcpuFd;
import dev.updraft.sys.kvm.VmFd;
import dev.updraft.vmm.snapshot.KvmVmState;
import dev.updraft.vmm.snapshot.SnapshotException;
import dev.updraft.vmm.snapshot.VcpuState;
import dev.updraft.vmm.state.Blob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * KVM's state of a vCPU and of the VM in and out of a snapshot, in the order Firecracker found the
 * kernel needs (arch/x86_64/vcpu.rs): MP state first and events last when saving; on restore CPUID
 * first, registers before special registers, the LAPIC after SREGS (which sets the APIC base) and
 * before the MSRs (the TSC deadline needs it), the TSC before the TSC deadline, events last.
 */
final class KvmStates {
  static final int MSR_IA32_TSC = 0x10;
  static final int MSR_IA32_TSC_DEADLINE = 0x6E0;
  // A TSC frequency within 250 ppm of the saved one needs no scaling (Firecracker's tolerance).
  private static final long TSC_TOLERANCE_PPM = 250;

  private KvmStates() {}

  /**
   * The MSRs of KVM_GET_MSR_INDEX_LIST that this vCPU lets KVM_GET_MSRS read: KVM lists some that
   * depend on CPUID or on features off here (PMU, MCE control), and the call stops at the first.
   */
  static List<Integer> saveableMsrs(Kvm kvm, VcpuFd vcpu) {
    List<Integer> candidates = new ArrayList<>(kvm.msrIndexList());
    List<Integer> saveable = new ArrayList<>();
    while (!candidates.isEmpty()) {
      int read = vcpu.msrs(candidates).size();
      saveable.addAll(candidates.subList(0, read));
      // The one at `read` was refused; go on after it.
      candidates =
          new ArrayList<>(
              candidates.subList(Math.min(read + 1, candidates.size()), candidates.size()));
    }
    return List.copyOf(saveable);
  }

  static VcpuState save(VcpuFd vcpu, List<Integer> msrIndices) {
    int mpState = vcpu.mpState(); // may change LAPIC state: before the rest
    var regs = vcpu.regs();
    var sregs = vcpu.sregs();
    byte[] fpu = vcpu.fpu();
    byte[] xsave = vcpu.xsave();
    byte[] xcrs = vcpu.xcrs();
    byte[] debug = vcpu.debugRegs();
    byte[] lapic = vcpu.lapic();
    int tscKhz = tscKhz(vcpu);
    var cpuid = vcpu.cpuid();
    List<MsrEntry> msrs = fixZeroTscDeadline(vcpu.msrs(msrIndices));
    byte[] events = vcpu.vcpuEvents();
    return new VcpuState(
        cpuid,
        mpState,
        regs,
        sregs,
        new Blob(fpu),
        new Blob(xsave),
        new Blob(xcrs),
        new Blob(debug),
        new Blob(lapic),
        msrs,
        new Blob(events),
        tscKhz);
  }

  /**
   * A TSC deadline of 0 at the snapshot can mean a timer interrupt was in flight and is lost on the
   * way; the TSC's value re-arms it at once (what Firecracker does for Linux guests).
   */
  private static List<MsrEntry> fixZeroTscDeadline(List<MsrEntry> msrs) {
    long tsc =
        msrs.stream()
            .filter(m -> m.index() == MSR_IA32_TSC)
            .mapToLong(MsrEntry::value)
            .max()
            .orElse(0);
    return msrs.stream()
        .map(
            m ->
                m.index() == MSR_IA32_TSC_DEADLINE && m.value() == 0 && tsc != 0
                    ? new MsrEntry(m.index(), tsc)
                    : m)
        .toList();
  }

  private static int tscKhz(VcpuFd vcpu) {
    try {
      return vcpu.tscKhz();
    } catch (ErrnoException e) {
      return 0; // unknown: the restore then does not scale
    }
  }

  static void restore(VmFd vm, VcpuFd vcpu, VcpuState s, Consumer<String> log) {
    vcpu.setCpuid(s.cpuid());
    scaleTsc(vm, vcpu, s.tscKhz(), log);
    vcpu.setMpState(s.mpState());
    vcpu.setRegs(s.regs());
    vcpu.setSregs(s.sregs());
    vcpu.setFpu(s.fpu().bytes());
    if (s.xsave().length() != vcpu.xsaveSize()) {
      throw new SnapshotException(
          "vcpu "
              + vcpu.id()
              + ": xsave: "
              + s.xsave().length()
              + " bytes (expected: "
              + vcpu.xsaveSize()
              + " on this host: the snapshot comes from a CPU with other XSAVE features)");
    }
    vcpu.setXsave(s.xsave().bytes());
    vcpu.setXcrs(s.xcrs().bytes());
    vcpu.setDebugRegs(s.debugRegs().bytes());
    vcpu.setLapic(s.lapic().bytes());
    vcpu.setMsrs(deadlineLast(s.msrs()));
    vcpu.setVcpuEvents(s.events().bytes());
  }

  private static List<MsrEntry> deadlineLast(List<MsrEntry> msrs) {
    return msrs.stream()
        .sorted(Comparator.comparing(m -> m.index() == MSR_IA32_TSC_DEADLINE))
        .toList();
  }

  private static void scaleTsc(VmFd vm, VcpuFd vcpu, int savedKhz, Consumer<String> log) {
    int here = tscKhz(vcpu);
    if (savedKhz == 0
        || here == 0
        || Math.abs((long) here - savedKhz) * 1_000_000 <= savedKhz * TSC_TOLERANCE_PPM) {
      return;
    }
    if (vm.check(Capability.TSC_CONTROL) > 0) {
      vcpu.setTscKhz(savedKhz);
    } else {
      log.accept(
          "vcpu "
              + vcpu.id()
              + ": the snapshot's TSC ran at "
              + savedKhz
              + " kHz, this host's at "
              + here
              + " kHz, and KVM cannot scale it: the guest's time will drift");
    }
  }

  static KvmVmState save(VmFd vm) {
    return new KvmVmState(
        new Blob(vm.pit2()),
        vm.clock(),
        new Blob(vm.irqchip(VmFd.IRQCHIP_PIC_MASTER)),
        new Blob(vm.irqchip(VmFd.IRQCHIP_PIC_SLAVE)),
        new Blob(vm.irqchip(VmFd.IRQCHIP_IOAPIC)));
  }

  /**
   * Restores the PIT, kvmclock and interrupt controllers. With {@code clockRealtime} kvmclock moves
   * on by the wall time since the snapshot (KVM_CLOCK_REALTIME), which the saved clock must carry.
   */
  static void restore(VmFd vm, KvmVmState s, boolean clockRealtime) {
    vm.setPit2(s.pit().bytes());
    ClockData clock = s.clock();
    if (clockRealtime && (clock.flags() & ClockData.REALTIME) == 0) {
      throw new SnapshotException(
          "clock_realtime: true (expected: false: the snapshot's kvmclock carries no host"
              + " realtime, the host's KVM did not report it)");
    }
    vm.setClock(clock.withFlags(clockRealtime ? ClockData.REALTIME : 0));
    vm.setIrqchip(s.picMaster().bytes());
    vm.setIrqchip(s.picSlave().bytes());
    vm.setIrqchip(s.ioapic().bytes());
  }

  /** Fails a restore whose MSR list KVM here does not accept (KvmException names the MSR). */
  static SnapshotException refused(int vcpu, KvmException e) {
    return new SnapshotException("vcpu " + vcpu + ": " + e.getMessage(), e);
  }
}
