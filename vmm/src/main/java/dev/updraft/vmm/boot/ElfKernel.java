package dev.updraft.vmm.boot;

import java.util.Objects;

/**
 * A vmlinux ELF loaded by its PT_LOAD segments.
 *
 * @param entry the PVH entry when the image has a Xen PHYS32_ENTRY note, else the ELF entry
 * @param protocol {@link BootProtocol#PVH} when the note exists
 * @param start lowest segment address
 * @param end highest segment end (memsz, so bss included)
 */
public record ElfKernel(long entry, BootProtocol protocol, long start, long end)
    implements LoadedKernel {
  public ElfKernel {
    Objects.requireNonNull(protocol, "protocol");
    KernelBounds.check(entry, start, end);
  }
}
