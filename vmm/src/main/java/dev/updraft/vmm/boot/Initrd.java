package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.Layout;

/**
 * An initrd in guest memory; the zero page and the PVH module list both point at it.
 *
 * @param address page-aligned guest physical address
 * @param size length in bytes
 */
public record Initrd(long address, long size) {
  public Initrd {
    if (address <= 0 || address % Layout.PAGE_SIZE != 0) {
      throw new IllegalArgumentException(
          "address: " + BootException.hex(address) + " (expected: > 0 and page aligned)");
    }
    if (size <= 0 || address + size < address || address + size > Layout.FIRST_ADDR_PAST_32BITS) {
      throw new IllegalArgumentException("size: " + size + " (expected: > 0, ending below 4 GiB)");
    }
  }
}
