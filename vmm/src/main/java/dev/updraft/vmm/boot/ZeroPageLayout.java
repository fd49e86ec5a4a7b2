package dev.updraft.vmm.boot;

/**
 * Offsets in the Linux zero page ({@code struct boot_params}, {@code asm/bootparam.h}) of the
 * fields the VMM reads or writes. StructLayoutIT compiles the kernel header with gcc and checks
 * every constant here, since a wrong offset would only show as a guest that does not boot.
 */
final class ZeroPageLayout {
  static final int SIZE = 0x1000;

  static final int ACPI_RSDP_ADDR = 0x070;
  static final int EXT_RAMDISK_IMAGE = 0x0C0;
  static final int EXT_RAMDISK_SIZE = 0x0C4;
  static final int EXT_CMD_LINE_PTR = 0x0C8;
  static final int E820_ENTRIES = 0x1E8;
  static final int E820_TABLE = 0x2D0;
  static final int E820_ENTRY_SIZE = 20;
  static final int E820_MAX_ENTRIES = 128;

  /** {@code struct setup_header} starts here, both in the zero page and in a bzImage file. */
  static final int HDR = 0x1F1;

  /** {@code sizeof(struct setup_header)}. */
  static final int HDR_SIZE = 0x7B;

  static final int SETUP_SECTS = 0x1F1;
  static final int BOOT_FLAG = 0x1FE;
  static final int JUMP = 0x200;
  static final int HEADER = 0x202;
  static final int VERSION = 0x206;
  static final int TYPE_OF_LOADER = 0x210;
  static final int LOADFLAGS = 0x211;
  static final int CODE32_START = 0x214;
  static final int RAMDISK_IMAGE = 0x218;
  static final int RAMDISK_SIZE = 0x21C;
  static final int CMD_LINE_PTR = 0x228;
  static final int INITRD_ADDR_MAX = 0x22C;
  static final int KERNEL_ALIGNMENT = 0x230;
  static final int XLOADFLAGS = 0x236;
  static final int CMDLINE_SIZE = 0x238;
  static final int PREF_ADDRESS = 0x258;
  static final int INIT_SIZE = 0x260;

  /** The setup header a 2.12 loader needs ends after init_size. */
  static final int HDR_MIN_SIZE = INIT_SIZE + 4 - HDR;

  static final short BOOT_FLAG_MAGIC = (short) 0xAA55;
  static final int HEADER_MAGIC = 0x5372_6448; // "HdrS"
  static final byte LOADER_UNDEFINED = (byte) 0xFF;
  static final int LOADED_HIGH = 1;
  static final int XLF_KERNEL_64 = 1;
  static final int MIN_VERSION = 0x020C;

  /** Firecracker's kernel_alignment for ELF kernels (16 MiB). */
  static final int ELF_KERNEL_ALIGNMENT = 0x0100_0000;

  private ZeroPageLayout() {}
}
