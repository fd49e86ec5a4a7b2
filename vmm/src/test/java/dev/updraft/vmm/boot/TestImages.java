package dev.updraft.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds small ELF and bzImage files byte by byte, so loader tests control every field. */
final class TestImages {
  private TestImages() {}

  /** One program header and, for PT_LOAD, the bytes its p_offset points at. */
  record Phdr(int type, long offset, long paddr, long filesz, long memsz, long align) {
    static Phdr load(long offset, long paddr, long filesz, long memsz) {
      return new Phdr(ElfLoader.PT_LOAD, offset, paddr, filesz, memsz, 0x1000);
    }

    static Phdr note(long offset, long filesz) {
      return new Phdr(ElfLoader.PT_NOTE, offset, 0, filesz, filesz, 4);
    }
  }

  /** A mutable ELF image: header fields are public so a test can break exactly one. */
  static final class Elf {
    int elfClass = 2;
    int data = 1;
    int type = ElfLoader.ET_EXEC;
    int machine = ElfLoader.EM_X86_64;
    long entry;
    long phoff = ElfLoader.EHDR_SIZE;
    int phentsize = ElfLoader.PHDR_SIZE;
    Integer phnum;
    final List<Phdr> phdrs = new ArrayList<>();
    byte[] body = new byte[0];
    long bodyOffset = 0x1000;

    byte[] bytes() {
      int count = phnum != null ? phnum : phdrs.size();
      // A phoff far past the body is a test of exactly that: the table is then left out.
      boolean tableFits = phoff < (1 << 20);
      long tableEnd = tableFits ? phoff + phdrs.size() * 56L : 0;
      int size = (int) Math.max(bodyOffset + body.length, tableEnd);
      ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(0, 0x464C_457F);
      b.put(4, (byte) elfClass).put(5, (byte) data).put(6, (byte) 1);
      b.putShort(16, (short) type).putShort(18, (short) machine).putInt(20, 1);
      b.putLong(24, entry).putLong(32, phoff);
      b.putShort(52, (short) 64).putShort(54, (short) phentsize).putShort(56, (short) count);
      for (int i = 0; tableFits && i < phdrs.size(); i++) {
        Phdr p = phdrs.get(i);
        int at = (int) phoff + i * 56;
        b.putInt(at, p.type()).putInt(at + 4, 5).putLong(at + 8, p.offset());
        b.putLong(at + 16, p.paddr()).putLong(at + 24, p.paddr());
        b.putLong(at + 32, p.filesz()).putLong(at + 40, p.memsz()).putLong(at + 48, p.align());
      }
      b.put((int) bodyOffset, body);
      return b.array();
    }
  }

  /** An ELF note with a 4-byte-aligned name and descriptor. */
  static byte[] note(String name, int type, byte[] desc) {
    byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
    int nameLen = (nameBytes.length + 3) & ~3;
    int descLen = (desc.length + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(12 + nameLen + descLen).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(nameBytes.length).putInt(desc.length).putInt(type);
    b.put(nameBytes).position(12 + nameLen).put(desc);
    return b.array();
  }

  static byte[] u64(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  /** Bytes 0, 1, 2, ... (mod 251), distinguishable at every offset. */
  static byte[] pattern(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) ((i + seed) % 251);
    }
    return bytes;
  }

  /** An ELF with one text segment at 16 MiB (as vmlinux) and a bss tail. */
  static Elf kernel(int filesz, int memsz) {
    Elf elf = new Elf();
    elf.body = pattern(filesz, 7);
    elf.entry = 0x100_0000;
    elf.phdrs.add(Phdr.load(elf.bodyOffset, 0x100_0000, filesz, memsz));
    return elf;
  }

  /** A bzImage with {@code setupSects} setup sectors and a payload of {@code payload} bytes. */
  static ByteBuffer bzImage(int setupSects, int payload) {
    int setup = ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
    ByteBuffer b = ByteBuffer.allocate(setup + payload).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ZeroPageLayout.SETUP_SECTS, (byte) setupSects);
    b.putShort(ZeroPageLayout.BOOT_FLAG, (short) 0xAA55);
    b.put(ZeroPageLayout.JUMP, (byte) 0xEB).put(ZeroPageLayout.JUMP + 1, (byte) 0x6A);
    b.putInt(ZeroPageLayout.HEADER, ZeroPageLayout.HEADER_MAGIC);
    b.putShort(ZeroPageLayout.VERSION, (short) 0x020F);
    b.put(ZeroPageLayout.LOADFLAGS, (byte) 0x01);
    b.putInt(ZeroPageLayout.CODE32_START, 0x100000);
    b.putInt(ZeroPageLayout.INITRD_ADDR_MAX, 0x7FFF_FFFF);
    b.putInt(ZeroPageLayout.KERNEL_ALIGNMENT, 0x20_0000);
    b.putShort(ZeroPageLayout.XLOADFLAGS, (short) 0x3);
    b.putInt(ZeroPageLayout.CMDLINE_SIZE, 2047);
    b.putInt(ZeroPageLayout.INIT_SIZE, payload);
    byte[] code = pattern(payload, 3);
    b.put(setup, code);
    return b;
  }
}
