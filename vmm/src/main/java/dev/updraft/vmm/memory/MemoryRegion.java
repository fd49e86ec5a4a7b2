package dev.updraft.vmm.memory;

/**
 * A range of guest physical addresses backed by RAM.
 *
 * @param start first guest physical address
 * @param size length in bytes
 */
public record MemoryRegion(long start, long size) {
  public MemoryRegion {
    if (start < 0) {
      throw new IllegalArgumentException("start: " + start + " (expected: >= 0)");
    }
    if (size <= 0 || start + size < start) {
      throw new IllegalArgumentException("size: " + size + " (expected: > 0, no wrap-around)");
    }
  }

  /** One past the last address. */
  public long end() {
    return start + size;
  }

  /** Whether {@code [address, address + length)} lies entirely inside this region. */
  public boolean contains(long address, long length) {
    return address >= start && length >= 0 && address <= end() - length;
  }
}
