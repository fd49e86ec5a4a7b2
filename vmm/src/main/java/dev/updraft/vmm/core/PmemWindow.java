package dev.updraft.vmm.core;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.MemoryRegion;
import dev.updraft.vmm.virtio.pmem.PmemRegion;
import java.util.List;

/**
 * Hands out the guest physical regions of pmem devices from Firecracker's window past the 64-bit
 * MMIO hole, one after the other in the order the devices are attached and after the virtio-mem
 * region if there is one (first fit, as Firecracker's allocator does at boot).
 */
final class PmemWindow {
  private final long end;
  private long next;

  PmemWindow(List<MemoryRegion> ram, long hotplugEnd) {
    long windowStart = Layout.pmemStart(ram, 0);
    this.next = Layout.pmemStart(ram, hotplugEnd);
    this.end = windowStart + Layout.PAST_MMIO64_SIZE;
  }

  /**
   * The region for a mapping of {@code size} bytes (a multiple of 2 MiB).
   *
   * @throws MachineException in Firecracker's words when the window is full
   */
  PmemRegion allocate(long size, String id) {
    if (size > end - next) {
      throw new MachineException(
          "Cannot create pmem device: Failed to allocate memory region (pmem \""
              + id
              + "\": "
              + size
              + " bytes, expected: at most the "
              + (end - next)
              + " bytes left of the 512 GiB window past the 64-bit MMIO hole)");
    }
    PmemRegion region = new PmemRegion(next, size);
    next += size;
    return region;
  }
}
