package dev.updraft.vmm.core;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.MemoryRegion;
import java.util.List;

/**
 * What a KVM machine is built for, so that a spare VM can be made ahead with its memory slots and
 * vCPUs: the RAM regions, the vCPU count and whether KVM logs dirty pages (a slot flag).
 *
 * @param ram the guest RAM regions, sorted and disjoint
 * @param vcpuCount how many vCPUs
 * @param trackDirtyPages whether the memory slots log dirty pages
 */
record MachineShape(List<MemoryRegion> ram, int vcpuCount, boolean trackDirtyPages) {
  /** Firecracker's default machine: 128 MiB, one vCPU, no dirty page log. */
  static final MachineShape DEFAULT = new MachineShape(Layout.ramRegions(128L << 20), 1, false);

  MachineShape {
    ram = MemoryRegion.sortedDisjoint(ram);
    if (ram.isEmpty()) {
      throw new IllegalArgumentException("ram: [] (expected: at least one region)");
    }
    if (vcpuCount < 1) {
      throw new IllegalArgumentException("vcpuCount: " + vcpuCount + " (expected: 1 or more)");
    }
  }
}
