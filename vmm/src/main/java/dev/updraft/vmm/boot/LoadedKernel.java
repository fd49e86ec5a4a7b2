package dev.updraft.vmm.boot;

/** A kernel image placed in guest memory: where it runs from and how it must be entered. */
public sealed interface LoadedKernel permits ElfKernel, BzImageKernel {
  /** Guest physical address of the first instruction. */
  long entry();

  BootProtocol protocol();

  /** First guest physical address the kernel occupies. */
  long start();

  /** One past the last address the kernel occupies; the initrd must stay above it. */
  long end();
}
