package dev.updraft.vmm.core;

import dev.updraft.sys.kvm.Capability;
import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.Kvm;
import dev.updraft.sys.kvm.VmFd;
import java.util.List;
import java.util.Set;

/**
 * The part of a KVM machine that needs neither its memory nor its vCPU count: KVM opened and its
 * capabilities checked, the CPUID it supports, and the VM with its TSS, in-kernel irqchip and PIT.
 *
 * @param kvm the open {@code /dev/kvm}
 * @param vm the VM, with TSS, irqchip and PIT
 * @param cpuid what KVM supports, for the vCPUs' CPUID
 */
record PreparedVm(Kvm kvm, VmFd vm, List<CpuidEntry> cpuid) {
  PreparedVm {
    cpuid = List.copyOf(cpuid);
  }

  /** Opens KVM and creates the VM; closes what it opened when a step fails. */
  static PreparedVm create() {
    Kvm kvm = Kvm.open();
    VmFd vm = null;
    try {
      Set<Capability> missing = kvm.missing(Capability.required());
      if (!missing.isEmpty()) {
        throw new MachineException("KVM capabilities: " + missing + " missing on this host");
      }
      List<CpuidEntry> cpuid = kvm.supportedCpuid();
      vm = kvm.createVm();
      vm.setTssAddress(KvmMachine.TSS_ADDRESS);
      vm.createIrqchip();
      vm.createPit2();
      return new PreparedVm(kvm, vm, cpuid);
    } catch (RuntimeException e) {
      if (vm != null) {
        vm.close();
      }
      kvm.close();
      throw e;
    }
  }

  void close() {
    vm.close();
    kvm.close();
  }
}
