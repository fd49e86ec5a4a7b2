package dev.updraft.vmm.boot;

import java.util.Objects;

/**
 * A bzImage whose protected-mode part was loaded at 1 MiB; it decompresses itself, so it always
 * enters through the 64-bit entry at load + 0x200 and its own setup header seeds the zero page.
 *
 * @param entry load address + 0x200
 * @param start the load address
 * @param end load address plus the larger of the payload and the header's init_size
 * @param header the image's setup header
 */
public record BzImageKernel(long entry, long start, long end, SetupHeader header)
    implements LoadedKernel {
  public BzImageKernel {
    Objects.requireNonNull(header, "header");
    KernelBounds.check(entry, start, end);
  }

  @Override
  public BootProtocol protocol() {
    return BootProtocol.LINUX_64;
  }
}
