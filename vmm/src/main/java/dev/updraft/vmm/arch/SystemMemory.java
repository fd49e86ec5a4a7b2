package dev.updraft.vmm.arch;

/**
 * First-fit allocator for the reserved system memory window [0x9FC00, 0xE0000): the MP table goes
 * first, then the ACPI tables in Firecracker's build order, byte-aligned and back to back. One per
 * VM boot, used from one thread.
 */
public final class SystemMemory {
  private long next = Layout.SYSTEM_MEM_START;

  /** The guest address of {@code size} fresh bytes in the window. */
  public long allocate(long size) {
    long end = Layout.SYSTEM_MEM_START + Layout.SYSTEM_MEM_SIZE;
    if (size <= 0 || size > end - next) {
      throw new AllocationException(
          "system memory: "
              + size
              + " bytes (expected: 1.."
              + (end - next)
              + ", what is left of [0x9fc00, 0xe0000))");
    }
    long address = next;
    next += size;
    return address;
  }
}
