package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The descriptor tables and page tables the boot CPU runs on before the kernel installs its own
 * (Firecracker's {@code regs.rs}): a four-entry GDT at 0x500, a single zero IDT entry at 0x520 and,
 * for the Linux 64-bit boot, an identity map of the first GiB with 2 MiB pages at 0x9000-0xBFFF.
 */
public final class BootTables {
  static final int GDT_ENTRIES = 4;
  static final int GDT_LIMIT = GDT_ENTRIES * 8 - 1;
  static final int IDT_LIMIT = 8 - 1;

  private static final long PRESENT_WRITABLE = 0x03;
  private static final long LARGE_PAGE = 0x80;
  private static final int PD_ENTRIES = 512;

  private BootTables() {}

  /** The GDT for {@code protocol}: null, code (CS 0x08), data (0x10), TSS (TR 0x18). */
  static long[] gdt(BootProtocol protocol) {
    return switch (protocol) {
      case LINUX_64 ->
          new long[] {
            0,
            Segment.gdtEntry(0xA09B, 0, 0xFFFFF),
            Segment.gdtEntry(0xC093, 0, 0xFFFFF),
            Segment.gdtEntry(0x808B, 0, 0xFFFFF)
          };
      case PVH ->
          new long[] {
            0,
            Segment.gdtEntry(0xC09B, 0, 0xFFFF_FFFFL),
            Segment.gdtEntry(0xC093, 0, 0xFFFF_FFFFL),
            Segment.gdtEntry(0x008B, 0, 0x67)
          };
    };
  }

  /** Writes the GDT, the IDT and (Linux 64-bit boot only) the identity page tables. */
  public static void write(GuestMemory memory, BootProtocol protocol) {
    long[] gdt = gdt(protocol);
    for (int i = 0; i < gdt.length; i++) {
      memory.writeLong(Layout.BOOT_GDT_START + i * 8L, gdt[i]);
    }
    memory.writeLong(Layout.BOOT_IDT_START, 0);
    if (protocol == BootProtocol.LINUX_64) {
      memory.zero(Layout.PML4_START, Layout.PAGE_SIZE);
      memory.zero(Layout.PDPTE_START, Layout.PAGE_SIZE);
      memory.writeLong(Layout.PML4_START, Layout.PDPTE_START | PRESENT_WRITABLE);
      memory.writeLong(Layout.PDPTE_START, Layout.PDE_START | PRESENT_WRITABLE);
      ByteBuffer pd = ByteBuffer.allocate(PD_ENTRIES * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (long i = 0; i < PD_ENTRIES; i++) {
        pd.putLong((i << 21) | LARGE_PAGE | PRESENT_WRITABLE);
      }
      memory.write(Layout.PDE_START, pd.array(), 0, pd.capacity());
    }
  }
}
