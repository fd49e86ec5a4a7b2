package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.E820Entry;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * Writes what a PVH kernel finds at entry: {@code hvm_start_info} at 0x6000 (RBX points there), the
 * initrd module entry at 0x6040 and the memory map at 0x7000, with the same entries the zero page's
 * e820 would carry (Firecracker's {@code configure_pvh}).
 */
public final class PvhStartInfo {
  /** The memory map must end before the boot stack at 0x8FF0 grows into it. */
  static final int MAX_MEMMAP_ENTRIES =
      (int)
          ((Layout.BOOT_STACK_POINTER - 0x100 - Layout.MEMMAP_START) / PvhLayout.MEMMAP_ENTRY_SIZE);

  private PvhStartInfo() {}

  /** Start info for a kernel booted without an initrd. */
  public static void write(GuestMemory memory, List<E820Entry> map) {
    writeAll(memory, map, null);
  }

  /** Start info for a kernel booted with {@code initrd} as its one module. */
  public static void write(GuestMemory memory, List<E820Entry> map, Initrd initrd) {
    writeAll(memory, map, Objects.requireNonNull(initrd, "initrd"));
  }

  // initrd is null when the guest has none: the module count stays 0.
  private static void writeAll(GuestMemory memory, List<E820Entry> map, Initrd initrd) {
    if (map.isEmpty() || map.size() > MAX_MEMMAP_ENTRIES) {
      throw new IllegalArgumentException(
          "memmap entries: " + map.size() + " (expected: 1.." + MAX_MEMMAP_ENTRIES + ")");
    }
    ByteBuffer info = little(PvhLayout.START_INFO_SIZE);
    info.putInt(PvhLayout.MAGIC, PvhLayout.START_MAGIC_VALUE);
    info.putInt(PvhLayout.VERSION, 1);
    info.putLong(PvhLayout.CMDLINE_PADDR, Layout.CMDLINE_START);
    info.putLong(PvhLayout.RSDP_PADDR, Layout.RSDP_ADDR);
    info.putLong(PvhLayout.MEMMAP_PADDR, Layout.MEMMAP_START);
    info.putInt(PvhLayout.MEMMAP_ENTRIES, map.size());
    if (initrd != null) {
      info.putInt(PvhLayout.NR_MODULES, 1);
      info.putLong(PvhLayout.MODLIST_PADDR, Layout.MODLIST_START);
      ByteBuffer module = little(PvhLayout.MODLIST_ENTRY_SIZE);
      module.putLong(PvhLayout.MODLIST_PADDR_FIELD, initrd.address());
      module.putLong(PvhLayout.MODLIST_SIZE_FIELD, initrd.size());
      memory.write(Layout.MODLIST_START, module.array(), 0, PvhLayout.MODLIST_ENTRY_SIZE);
    }
    memory.write(Layout.PVH_INFO_START, info.array(), 0, PvhLayout.START_INFO_SIZE);
    ByteBuffer table = little(map.size() * PvhLayout.MEMMAP_ENTRY_SIZE);
    for (int i = 0; i < map.size(); i++) {
      int at = i * PvhLayout.MEMMAP_ENTRY_SIZE;
      table.putLong(at + PvhLayout.MEMMAP_ADDR_FIELD, map.get(i).address());
      table.putLong(at + PvhLayout.MEMMAP_SIZE_FIELD, map.get(i).size());
      table.putInt(at + PvhLayout.MEMMAP_TYPE_FIELD, map.get(i).type().code());
    }
    memory.write(Layout.MEMMAP_START, table.array(), 0, table.capacity());
  }

  private static ByteBuffer little(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
