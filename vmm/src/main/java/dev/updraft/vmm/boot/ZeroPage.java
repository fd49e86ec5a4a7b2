package dev.updraft.vmm.boot;

import static dev.updraft.vmm.boot.ZeroPageLayout.ACPI_RSDP_ADDR;
import static dev.updraft.vmm.boot.ZeroPageLayout.BOOT_FLAG;
import static dev.updraft.vmm.boot.ZeroPageLayout.CMDLINE_SIZE;
import static dev.updraft.vmm.boot.ZeroPageLayout.CMD_LINE_PTR;
import static dev.updraft.vmm.boot.ZeroPageLayout.CODE32_START;
import static dev.updraft.vmm.boot.ZeroPageLayout.E820_ENTRIES;
import static dev.updraft.vmm.boot.ZeroPageLayout.E820_ENTRY_SIZE;
import static dev.updraft.vmm.boot.ZeroPageLayout.E820_MAX_ENTRIES;
import static dev.updraft.vmm.boot.ZeroPageLayout.E820_TABLE;
import static dev.updraft.vmm.boot.ZeroPageLayout.HDR;
import static dev.updraft.vmm.boot.ZeroPageLayout.HEADER;
import static dev.updraft.vmm.boot.ZeroPageLayout.KERNEL_ALIGNMENT;
import static dev.updraft.vmm.boot.ZeroPageLayout.RAMDISK_IMAGE;
import static dev.updraft.vmm.boot.ZeroPageLayout.RAMDISK_SIZE;
import static dev.updraft.vmm.boot.ZeroPageLayout.TYPE_OF_LOADER;

import dev.updraft.vmm.arch.E820Entry;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * Writes the Linux zero page ({@code struct boot_params}) at 0x7000 for the 64-bit boot protocol,
 * with the fields Firecracker's {@code configure_64bit_boot} sets (firecracker.md §3.4). A bzImage
 * first contributes its own setup header; an ELF vmlinux starts from zeros.
 */
public final class ZeroPage {
  private ZeroPage() {}

  /** The zero page for a kernel booted without an initrd. */
  public static void write(
      GuestMemory memory, LoadedKernel kernel, KernelCmdline cmdline, List<E820Entry> map) {
    memory.write(Layout.ZERO_PAGE_START, build(kernel, cmdline, map, null), 0, ZeroPageLayout.SIZE);
  }

  /** The zero page for a kernel booted with {@code initrd}. */
  public static void write(
      GuestMemory memory,
      LoadedKernel kernel,
      KernelCmdline cmdline,
      List<E820Entry> map,
      Initrd initrd) {
    Objects.requireNonNull(initrd, "initrd");
    memory.write(
        Layout.ZERO_PAGE_START, build(kernel, cmdline, map, initrd), 0, ZeroPageLayout.SIZE);
  }

  // initrd is null when the guest has none: ramdisk_image and ramdisk_size stay 0.
  static byte[] build(
      LoadedKernel kernel, KernelCmdline cmdline, List<E820Entry> map, Initrd initrd) {
    if (map.size() > E820_MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "e820 entries: " + map.size() + " (expected: at most " + E820_MAX_ENTRIES + ")");
    }
    byte[] page = new byte[ZeroPageLayout.SIZE];
    ByteBuffer params = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    switch (kernel) {
      case BzImageKernel bz -> {
        byte[] header = bz.header().bytes();
        System.arraycopy(header, 0, page, HDR, header.length);
        params.putInt(CODE32_START, (int) bz.start());
      }
      case ElfKernel _ -> params.putInt(KERNEL_ALIGNMENT, ZeroPageLayout.ELF_KERNEL_ALIGNMENT);
    }
    params.put(TYPE_OF_LOADER, ZeroPageLayout.LOADER_UNDEFINED);
    params.putShort(BOOT_FLAG, ZeroPageLayout.BOOT_FLAG_MAGIC);
    params.putInt(HEADER, ZeroPageLayout.HEADER_MAGIC);
    params.putInt(CMD_LINE_PTR, (int) Layout.CMDLINE_START);
    params.putInt(CMDLINE_SIZE, cmdline.toBytesWithNul().length);
    if (initrd != null) {
      params.putInt(RAMDISK_IMAGE, (int) initrd.address());
      params.putInt(RAMDISK_SIZE, (int) initrd.size());
    }
    params.putLong(ACPI_RSDP_ADDR, Layout.RSDP_ADDR);
    params.put(E820_ENTRIES, (byte) map.size());
    for (int i = 0; i < map.size(); i++) {
      E820Entry entry = map.get(i);
      int at = E820_TABLE + i * E820_ENTRY_SIZE;
      params.putLong(at, entry.address());
      params.putLong(at + 8, entry.size());
      params.putInt(at + 16, entry.type().code());
    }
    return page;
  }
}
