package dev.updraft.vmm.boot;

/**
 * Offsets of Xen's PVH start-of-day structures ({@code xen/interface/hvm/start_info.h}, version 1).
 * StructLayoutIT declares the same structs in C from the Xen ABI and checks these with gcc.
 */
final class PvhLayout {
  static final int START_INFO_SIZE = 56;
  static final int MAGIC = 0;
  static final int VERSION = 4;
  static final int FLAGS = 8;
  static final int NR_MODULES = 12;
  static final int MODLIST_PADDR = 16;
  static final int CMDLINE_PADDR = 24;
  static final int RSDP_PADDR = 32;
  static final int MEMMAP_PADDR = 40;
  static final int MEMMAP_ENTRIES = 48;

  /** {@code struct hvm_modlist_entry}: paddr, size, cmdline_paddr, reserved. */
  static final int MODLIST_ENTRY_SIZE = 32;

  static final int MODLIST_PADDR_FIELD = 0;
  static final int MODLIST_SIZE_FIELD = 8;

  /** {@code struct hvm_memmap_table_entry}: addr, size, type, reserved. */
  static final int MEMMAP_ENTRY_SIZE = 24;

  static final int MEMMAP_ADDR_FIELD = 0;
  static final int MEMMAP_SIZE_FIELD = 8;
  static final int MEMMAP_TYPE_FIELD = 16;

  static final int START_MAGIC_VALUE = 0x336E_C578;

  private PvhLayout() {}
}
