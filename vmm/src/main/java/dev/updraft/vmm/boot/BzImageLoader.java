package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;

/**
 * Loads a bzImage the way Firecracker does (PR #6037): boot protocol 2.12 or later with a 64-bit
 * entry, the protected-mode part at 1 MiB, entered at load + 0x200. Real-mode setup code is never
 * run, so the setup sectors are skipped.
 */
final class BzImageLoader {
  /** The 64-bit entry sits 0x200 bytes into the protected-mode code (boot protocol, §"64-bit"). */
  static final long ENTRY_64_OFFSET = 0x200;

  private BzImageLoader() {}

  static BzImageKernel load(GuestMemory memory, ImageSource image) {
    long fileSize = Images.size(image, "kernel image");
    int headerEnd = ZeroPageLayout.HDR + ZeroPageLayout.HDR_SIZE;
    if (fileSize < ZeroPageLayout.HDR + ZeroPageLayout.HDR_MIN_SIZE) {
      throw new BootException(
          "bzImage size",
          fileSize + " bytes",
          "at least " + (ZeroPageLayout.HDR + ZeroPageLayout.HDR_MIN_SIZE) + " bytes");
    }
    ByteBuffer head = Images.read(image, 0, (int) Math.min(fileSize, headerEnd), "setup header");
    int magic = head.getInt(ZeroPageLayout.HEADER);
    if (magic != ZeroPageLayout.HEADER_MAGIC) {
      throw new BootException(
          "header",
          BootException.hex(Integer.toUnsignedLong(magic)),
          "0x53726448 (\"HdrS\"): neither an ELF vmlinux nor a bzImage");
    }
    int version = Short.toUnsignedInt(head.getShort(ZeroPageLayout.VERSION));
    if (version < ZeroPageLayout.MIN_VERSION) {
      throw new BootException(
          "version", BootException.hex(version), ">= 0x20c, boot protocol 2.12");
    }
    // The header announces its own end: 0x202 plus the jump offset at 0x201.
    int declaredEnd = 0x202 + Byte.toUnsignedInt(head.get(ZeroPageLayout.JUMP + 1));
    int length = Math.min(declaredEnd, head.limit()) - ZeroPageLayout.HDR;
    length = Math.min(length, ZeroPageLayout.HDR_SIZE);
    if (length < ZeroPageLayout.HDR_MIN_SIZE) {
      throw new BootException(
          "setup header length",
          Integer.toString(length),
          ">= " + ZeroPageLayout.HDR_MIN_SIZE + " bytes, through init_size");
    }
    byte[] raw = new byte[length];
    head.get(ZeroPageLayout.HDR, raw);
    SetupHeader header = new SetupHeader(raw);
    if ((header.loadflags() & ZeroPageLayout.LOADED_HIGH) == 0) {
      throw new BootException(
          "loadflags", BootException.hex(header.loadflags()), "LOADED_HIGH set");
    }
    if ((header.xloadflags() & ZeroPageLayout.XLF_KERNEL_64) == 0) {
      throw new BootException(
          "xloadflags",
          BootException.hex(header.xloadflags()),
          "XLF_KERNEL_64 set, a 64-bit entry");
    }
    int setupSects = Byte.toUnsignedInt(head.get(ZeroPageLayout.SETUP_SECTS));
    long setupSize = ((setupSects == 0 ? 4 : setupSects) + 1L) * 512;
    if (setupSize >= fileSize) {
      throw new BootException(
          "setup_sects",
          Integer.toString(setupSects),
          "setup code shorter than the " + fileSize + "-byte image");
    }
    long payload = fileSize - setupSize;
    if (payload <= ENTRY_64_OFFSET) {
      throw new BootException(
          "bzImage payload", payload + " bytes", "more than the 512 bytes before the 64-bit entry");
    }
    long load = Layout.HIMEM_START;
    long footprint = Math.max(payload, header.initSize());
    if (!memory.contains(load, footprint)) {
      throw new BootException(
          payload >= header.initSize() ? "bzImage size" : "init_size",
          Long.toString(footprint),
          "the kernel to fit in the RAM region from " + BootException.hex(load));
    }
    Images.copy(image, setupSize, payload, memory, load, "bzImage payload");
    return new BzImageKernel(load + ENTRY_64_OFFSET, load, load + footprint, header);
  }
}
