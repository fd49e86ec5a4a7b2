package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.Layout;

/** A kernel image placed in guest memory: where it runs from and how it must be entered. */
public sealed interface LoadedKernel permits ElfKernel, BzImageKernel {
  /** Guest physical address of the first instruction. */
  long entry();

  BootProtocol protocol();

  /** First guest physical address the kernel occupies. */
  long start();

  /** One past the last address the kernel occupies; the initrd must stay above it. */
  long end();

  /** Checks shared by both kinds of image. */
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
