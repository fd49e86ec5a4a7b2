package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.Layout;

/** The invariants every {@link LoadedKernel} keeps, checked by both records. */
final class KernelBounds {
  private KernelBounds() {}

  static void check(long entry, long start, long end) {
    if (start < Layout.HIMEM_START) {
      throw new IllegalArgumentException(
          "start: " + BootException.hex(start) + " (expected: >= 0x100000)");
    }
    if (end <= start) {
      throw new IllegalArgumentException(
          "end: "
              + BootException.hex(end)
              + " (expected: > start "
              + BootException.hex(start)
              + ")");
    }
    if (entry < start || entry >= end) {
      throw new IllegalArgumentException(
          "entry: " + BootException.hex(entry) + " (expected: inside the loaded kernel)");
    }
  }
}
