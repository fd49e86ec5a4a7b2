package dev.updraft.vmm.arch;

/**
 * Hands out the legacy GSIs 5..23 in order, as Firecracker's resource allocator does; 1 (i8042) and
 * 4 (COM1) are fixed and never handed out. Used while a VM is built, from one thread.
 */
public final class GsiAllocator {
  private int next = Layout.GSI_LEGACY_START;

  /** The next free GSI. */
  public int allocate() {
    if (next > Layout.GSI_LEGACY_END) {
      throw new AllocationException(
          "gsi: none left (expected: at most "
              + (Layout.GSI_LEGACY_END - Layout.GSI_LEGACY_START + 1)
              + " devices on GSIs "
              + Layout.GSI_LEGACY_START
              + ".."
              + Layout.GSI_LEGACY_END
              + ")");
    }
    return next++;
  }
}
