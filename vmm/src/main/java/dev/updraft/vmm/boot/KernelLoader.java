package dev.updraft.vmm.boot;

import dev.updraft.vmm.memory.GuestMemory;

/**
 * Loads a guest kernel, ELF vmlinux or bzImage, into guest memory. Like Firecracker it tries ELF
 * first and falls back to bzImage only when the ELF magic is missing.
 */
public final class KernelLoader {
  private KernelLoader() {}

  /**
   * Places {@code image} in {@code memory} and says how to enter it.
   *
   * @throws BootException when the image is malformed, truncated or does not fit guest RAM
   */
  public static LoadedKernel load(GuestMemory memory, ImageSource image) {
    long size = Images.size(image, "kernel image");
    if (size >= 4 && Images.read(image, 0, 4, "kernel image").getInt(0) == 0x464C_457F) {
      return ElfLoader.load(memory, image);
    }
    return BzImageLoader.load(memory, image);
  }
}
