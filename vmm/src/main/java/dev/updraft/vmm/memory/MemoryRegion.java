package dev.updraft.vmm.memory;

import java.util.ArrayList;
import java.util.List;

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

  /** The regions sorted by start; throws if two overlap (a layout bug, not guest input). */
  public static List<MemoryRegion> sortedDisjoint(List<MemoryRegion> regions) {
    List<MemoryRegion> sorted = new ArrayList<>(regions);
    sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).start() < sorted.get(i - 1).end()) {
        throw new IllegalArgumentException(
            "regions: " + sorted.get(i - 1) + " and " + sorted.get(i) + " (expected: no overlap)");
      }
    }
    return List.copyOf(sorted);
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
