package dev.updraft.vmm.core;

import dev.updraft.sys.kvm.Capability;
import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.Kvm;
import dev.updraft.sys.kvm.VcpuFd;
import dev.updraft.sys.kvm.VmFd;
import dev.updraft.vmm.memory.MappedGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A KVM machine made before it is asked for: KVM opened and its capabilities checked, the CPUID it
 * supports, and the VM with its TSS, in-kernel irqchip and PIT; and, when made for a {@link
 * MachineShape}, its vCPUs and its memory slots on anonymous memory that has not been touched. A
 * snapshot's memory file is then mapped over that memory at the same addresses, so the slots need
 * no ioctl on the request's path (each slot change waits for a kernel grace period).
 *
 * @param kvm the open {@code /dev/kvm}
 * @param vm the VM, with TSS, irqchip and PIT
 * @param cpuid what KVM supports, for the vCPUs' CPUID
 * @param shape what the vCPUs and memory were made for, or null if they were not
 * @param memory the memory the slots point at, or null without a shape
 * @param vcpus the vCPUs, none without a shape
 */
record PreparedVm(
    Kvm kvm,
    VmFd vm,
    List<CpuidEntry> cpuid,
    MachineShape shape,
    MappedGuestMemory memory,
    List<VcpuFd> vcpus) {
  PreparedVm {
    cpuid = List.copyOf(cpuid);
    vcpus = List.copyOf(vcpus);
    boolean fitted = shape != null;
    if (fitted != (memory != null) || (fitted ? shape.vcpuCount() : 0) != vcpus.size()) {
      throw new IllegalArgumentException(
          "shape "
              + shape
              + (memory == null ? ", no memory, " : ", memory of " + memory.regions() + ", ")
              + vcpus.size()
              + " vcpus (expected: memory and the shape's vcpus with a shape, neither without)");
    }
  }

  /** Whether the vCPUs and memory slots were made for {@code wanted}. */
  boolean fits(MachineShape wanted) {
    return wanted.equals(shape);
  }

  /**
   * Opens KVM and creates the VM, with vCPUs and memory slots if {@code shape} is not null; closes
   * what it opened when a step fails.
   */
  static PreparedVm create(MachineShape shape) {
    Kvm kvm = Kvm.open();
    VmFd vm = null;
    MappedGuestMemory memory = null;
    List<VcpuFd> vcpus = new ArrayList<>();
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
      if (shape != null) {
        for (int i = 0; i < shape.vcpuCount(); i++) {
          vcpus.add(vm.createVcpu(i));
        }
        memory = MappedGuestMemory.anonymous(shape.ram());
        setMemorySlots(vm, memory, shape.trackDirtyPages());
      }
      return new PreparedVm(kvm, vm, cpuid, shape, memory, vcpus);
    } catch (RuntimeException e) {
      vcpus.forEach(VcpuFd::close);
      if (vm != null) {
        vm.close();
      }
      if (memory != null) {
        memory.close();
      }
      kvm.close();
      throw e;
    }
  }

  /** One KVM memory slot per region of {@code memory}, numbered from 0. */
  static void setMemorySlots(VmFd vm, MappedGuestMemory memory, boolean trackDirtyPages) {
    List<MemoryRegion> regions = memory.regions();
    int flags = trackDirtyPages ? VmFd.MEM_LOG_DIRTY_PAGES : 0;
    for (int slot = 0; slot < regions.size(); slot++) {
      MemoryRegion r = regions.get(slot);
      vm.setUserMemoryRegion(slot, r.start(), r.size(), memory.hostAddress(slot), flags);
    }
  }

  void close() {
    vcpus.forEach(VcpuFd::close);
    vm.close();
    if (memory != null) {
      memory.close();
    }
    kvm.close();
  }
}
