package dev.updraft.vmm.core;

import dev.updraft.sys.MappedMemory;
import dev.updraft.sys.kvm.Capability;
import dev.updraft.sys.kvm.VmFd;
import dev.updraft.vmm.virtio.mem.HotplugRegion;

/**
 * The virtio-mem region on the host: one anonymous mapping, not reserved, cut into KVM memory slots
 * that are registered while the guest has a block plugged in them and removed otherwise, as
 * Firecracker does with its hot-pluggable region. Unplugged blocks are given back with
 * MADV_DONTNEED. Firecracker also mprotects an unplugged slot; here the VMM itself never reads the
 * region (devices see RAM only), and a protected page touched from Java would kill the process.
 */
final class HotplugMemory implements HotplugRegion, AutoCloseable {
  private final VmFd vm;
  private final MappedMemory mapping;
  private final long guestAddress;
  private final long slotSize;
  private final int firstSlot;

  private HotplugMemory(
      VmFd vm, MappedMemory mapping, long guestAddress, long slotSize, int firstSlot) {
    this.vm = vm;
    this.mapping = mapping;
    this.guestAddress = guestAddress;
    this.slotSize = slotSize;
    this.firstSlot = firstSlot;
  }

  /**
   * Maps the region; its KVM slots take the ids after the RAM's.
   *
   * @throws MachineException if KVM has too few memory slots for it
   */
  static HotplugMemory map(VmFd vm, long guestAddress, long size, long slotSize, int firstSlot) {
    long slots = size / slotSize;
    int available = vm.check(Capability.NR_MEMSLOTS);
    if (available > 0 && firstSlot + slots > available) {
      throw new MachineException(
          "memory-hotplug: total_size_mib "
              + (size >> 20)
              + " in slots of "
              + (slotSize >> 20)
              + " MiB needs "
              + slots
              + " KVM memory slots (expected: at most "
              + (available - firstSlot)
              + "; use a larger slot_size_mib)");
    }
    return new HotplugMemory(vm, MappedMemory.anonymous(size), guestAddress, slotSize, firstSlot);
  }

  @Override
  public void slotPlugged(int slot, boolean plugged) {
    long offset = slot * slotSize;
    // A size of 0 deletes the slot (KVM_SET_USER_MEMORY_REGION).
    vm.setUserMemoryRegion(
        firstSlot + slot,
        guestAddress + offset,
        plugged ? slotSize : 0,
        mapping.address() + offset,
        0);
  }

  @Override
  public void discard(long offset, long length) {
    mapping.madvise(offset, length, MappedMemory.MADV_DONTNEED);
  }

  @Override
  public void close() {
    mapping.close();
  }
}
