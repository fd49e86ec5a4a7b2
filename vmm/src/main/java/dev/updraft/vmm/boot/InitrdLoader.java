package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.GuestMemory;

/**
 * Places an initrd at the top of low RAM (the memslot at address 0), page aligned down, as
 * Firecracker's {@code initrd_load_addr} does, so it is as far as it can be from the kernel.
 */
public final class InitrdLoader {
  private InitrdLoader() {}

  /**
   * Copies {@code image} into {@code memory} above {@code kernel}.
   *
   * @throws BootException when the image is empty, unreadable or does not fit between the kernel
   *     and the top of low RAM (or the bzImage's initrd_addr_max)
   */
  public static Initrd load(GuestMemory memory, ImageSource image, LoadedKernel kernel) {
    long size = Images.size(image, "initrd");
    long top = Layout.lowRamEnd(memory.regions());
    String limit = "the top of low RAM " + BootException.hex(top);
    if (kernel instanceof BzImageKernel bz && bz.header().initrdAddrMax() + 1 < top) {
      // A bzImage says how high its initrd may sit; an ELF vmlinux has no header to ask.
      top = bz.header().initrdAddrMax() + 1;
      limit = "initrd_addr_max " + BootException.hex(top - 1);
    }
    if (size <= 0 || size > top - kernel.end()) {
      throw new BootException(
          "initrd size",
          Long.toString(size),
          "1.."
              + Math.max(0, top - kernel.end())
              + " bytes, between the kernel end "
              + BootException.hex(kernel.end())
              + " and "
              + limit);
    }
    long address = Layout.alignDown(top - size, Layout.PAGE_SIZE);
    if (address < kernel.end()) {
      throw new BootException(
          "initrd size",
          Long.toString(size),
          "room for a page-aligned copy above the kernel end " + BootException.hex(kernel.end()));
    }
    Images.copy(image, 0, size, memory, address, "initrd");
    return new Initrd(address, size);
  }
}
