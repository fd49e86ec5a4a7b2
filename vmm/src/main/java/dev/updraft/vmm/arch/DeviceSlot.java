package dev.updraft.vmm.arch;

/**
 * The resources of one MMIO device: its register window and the legacy GSI it interrupts on. The
 * command line ({@code virtio_mmio.device=}) and the DSDT both describe a device from this.
 *
 * @param base first guest physical address of the window
 * @param size window length in bytes
 * @param gsi IOAPIC input the device's interrupt is wired to
 */
public record DeviceSlot(long base, long size, int gsi) {
  public DeviceSlot {
    if (base < Layout.MMIO32_START || base >= Layout.PCI_MMCONFIG_START) {
      throw new IllegalArgumentException(
          "base: 0x"
              + Long.toHexString(base)
              + " (expected: inside the 32-bit device window 0xc0000000-0xeec00000)");
    }
    if (size <= 0 || size > Layout.PCI_MMCONFIG_START - base) {
      throw new IllegalArgumentException(
          "size: " + size + " (expected: > 0 and ending inside the 32-bit device window)");
    }
    if (gsi < Layout.GSI_LEGACY_START || gsi > Layout.GSI_LEGACY_END) {
      throw new IllegalArgumentException(
          "gsi: "
              + gsi
              + " (expected: "
              + Layout.GSI_LEGACY_START
              + ".."
              + Layout.GSI_LEGACY_END
              + ")");
    }
  }
}
