package dev.updraft.vmm.arch;

import java.util.Objects;

/**
 * Hands out virtio-mmio windows: the n-th device gets {@code 0xC0001000 + n * 4K} and the next
 * legacy GSI, so device order (Firecracker attaches block, then net, then the rest) fixes both. The
 * boot timer is not allocated: it always sits at {@link Layout#BOOT_TIMER_START}.
 */
public final class MmioAllocator {
  private final GsiAllocator gsis;
  private long next = Layout.VIRTIO_MMIO_START;

  public MmioAllocator(GsiAllocator gsis) {
    this.gsis = Objects.requireNonNull(gsis, "gsis");
  }

  /** A 4 KiB window and a GSI for the next virtio device. */
  public DeviceSlot allocate() {
    if (next + Layout.MMIO_SLOT_SIZE > Layout.PCI_MMCONFIG_START) {
      throw new AllocationException(
          "mmio window: none left below 0x"
              + Long.toHexString(Layout.PCI_MMCONFIG_START)
              + " (expected: fewer devices)");
    }
    DeviceSlot slot = new DeviceSlot(next, Layout.MMIO_SLOT_SIZE, gsis.allocate());
    next += Layout.MMIO_SLOT_SIZE;
    return slot;
  }
}
