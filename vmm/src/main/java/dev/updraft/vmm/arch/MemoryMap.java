package dev.updraft.vmm.arch;

import dev.updraft.vmm.memory.MemoryRegion;
import java.util.ArrayList;
import java.util.List;

/** The guest memory map Firecracker hands to both boot protocols (firecracker.md §3.4). */
public final class MemoryMap {
  private MemoryMap() {}

  /**
   * The entries for guest RAM {@code regions}: [0, EBDA) RAM, the system memory window reserved,
   * the ECAM window reserved, then one RAM entry per region with the first starting at 1 MiB. The
   * 0xA0000-0x100000 legacy hole is left undescribed, as on Firecracker.
   */
  public static List<E820Entry> of(List<MemoryRegion> regions) {
    long lowEnd = Layout.lowRamEnd(regions);
    if (lowEnd <= Layout.HIMEM_START) {
      throw new IllegalArgumentException(
          "low RAM end: 0x"
              + Long.toHexString(lowEnd)
              + " (expected: above 0x"
              + Long.toHexString(Layout.HIMEM_START)
              + ")");
    }
    List<E820Entry> entries = new ArrayList<>(regions.size() + 3);
    entries.add(new E820Entry(0, Layout.SYSTEM_MEM_START, E820Entry.Type.RAM));
    entries.add(
        new E820Entry(Layout.SYSTEM_MEM_START, Layout.SYSTEM_MEM_SIZE, E820Entry.Type.RESERVED));
    entries.add(
        new E820Entry(
            Layout.PCI_MMCONFIG_START, Layout.PCI_MMCONFIG_SIZE, E820Entry.Type.RESERVED));
    List<MemoryRegion> sorted = new ArrayList<>(regions);
    sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
    for (MemoryRegion region : sorted) {
      long start = region.start() == 0 ? Layout.HIMEM_START : region.start();
      entries.add(new E820Entry(start, region.end() - start, E820Entry.Type.RAM));
    }
    return List.copyOf(entries);
  }
}
