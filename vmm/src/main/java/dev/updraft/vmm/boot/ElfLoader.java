package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a 64-bit x86-64 ELF vmlinux by the physical addresses of its PT_LOAD segments, and picks
 * PVH when a PT_NOTE carries Xen's {@code XEN_ELFNOTE_PHYS32_ENTRY} (linux-loader's behaviour).
 * Every header field is checked before any byte reaches guest memory.
 */
final class ElfLoader {
  static final int EHDR_SIZE = 64;
  static final int PHDR_SIZE = 56;

  /** vmlinux has about five program headers; more than this is not a kernel. */
  static final int MAX_PHNUM = 64;

  /** Notes are a few hundred bytes; a bigger PT_NOTE is refused rather than read onto the heap. */
  static final int MAX_NOTE_SIZE = 1 << 20;

  static final int PT_LOAD = 1;
  static final int PT_NOTE = 4;
  static final int ET_EXEC = 2;
  static final int EM_X86_64 = 62;
  static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

  private record Segment(long offset, long paddr, long filesz, long memsz) {}

  private ElfLoader() {}

  static ElfKernel load(GuestMemory memory, ImageSource image) {
    long fileSize = Images.size(image, "kernel image");
    if (fileSize < EHDR_SIZE) {
      throw new BootException(
          "ELF header", fileSize + " bytes", "at least " + EHDR_SIZE + " bytes");
    }
    ByteBuffer ehdr = Images.read(image, 0, EHDR_SIZE, "ELF header");
    checkIdent(ehdr);
    long entry = ehdr.getLong(24);
    long phoff = ehdr.getLong(32);
    int phentsize = Short.toUnsignedInt(ehdr.getShort(54));
    int phnum = Short.toUnsignedInt(ehdr.getShort(56));
    if (phentsize != PHDR_SIZE) {
      throw new BootException(
          "e_phentsize", Integer.toString(phentsize), Integer.toString(PHDR_SIZE));
    }
    if (phnum < 1 || phnum > MAX_PHNUM) {
      throw new BootException("e_phnum", Integer.toString(phnum), "1.." + MAX_PHNUM);
    }
    if (phoff < EHDR_SIZE || phoff > fileSize - (long) phnum * PHDR_SIZE) {
      throw new BootException(
          "e_phoff",
          BootException.hex(phoff),
          "program headers after the ELF header and inside the " + fileSize + "-byte image");
    }
    ByteBuffer phdrs = Images.read(image, phoff, phnum * PHDR_SIZE, "program headers");
    List<Segment> loads = new ArrayList<>();
    long pvhEntry = -1;
    for (int i = 0; i < phnum; i++) {
      int base = i * PHDR_SIZE;
      int type = phdrs.getInt(base);
      Segment segment =
          new Segment(
              phdrs.getLong(base + 8),
              phdrs.getLong(base + 24),
              phdrs.getLong(base + 32),
              phdrs.getLong(base + 40));
      if (type == PT_LOAD && segment.memsz() != 0) {
        checkLoad(memory, segment, fileSize);
        loads.add(segment);
      } else if (type == PT_NOTE && pvhEntry < 0) {
        pvhEntry = findPvhEntry(image, segment, fileSize);
      }
    }
    if (loads.isEmpty()) {
      throw new BootException("PT_LOAD segments", "0", "at least one with p_memsz != 0");
    }
    BootProtocol protocol = pvhEntry >= 0 ? BootProtocol.PVH : BootProtocol.LINUX_64;
    long start = pvhEntry >= 0 ? pvhEntry : entry;
    String field = pvhEntry >= 0 ? "XEN_ELFNOTE_PHYS32_ENTRY" : "e_entry";
    if (loads.stream().noneMatch(s -> start >= s.paddr() && start - s.paddr() < s.memsz())) {
      throw new BootException(field, BootException.hex(start), "inside a PT_LOAD segment");
    }
    for (Segment segment : loads) {
      Images.copy(image, segment.offset(), segment.filesz(), memory, segment.paddr(), "PT_LOAD");
      if (segment.memsz() > segment.filesz()) {
        memory.zero(segment.paddr() + segment.filesz(), segment.memsz() - segment.filesz());
      }
    }
    long low = loads.stream().mapToLong(Segment::paddr).min().orElseThrow();
    long high = loads.stream().mapToLong(s -> s.paddr() + s.memsz()).max().orElseThrow();
    return new ElfKernel(start, protocol, low, high);
  }

  private static void checkIdent(ByteBuffer ehdr) {
    if (ehdr.getInt(0) != 0x464C_457F) {
      throw new BootException(
          "ELF magic", BootException.hex(Integer.toUnsignedLong(ehdr.getInt(0))), "0x464c457f");
    }
    expect("EI_CLASS", ehdr.get(4), 2, "2, 64-bit");
    expect("EI_DATA", ehdr.get(5), 1, "1, little-endian");
    expect("e_type", ehdr.getShort(16), ET_EXEC, ET_EXEC + ", an executable");
    expect("e_machine", ehdr.getShort(18), EM_X86_64, EM_X86_64 + ", x86-64");
  }

  private static void expect(String field, int actual, int expected, String description) {
    if (actual != expected) {
      throw new BootException(field, Integer.toString(actual), description);
    }
  }

  private static void checkLoad(GuestMemory memory, Segment s, long fileSize) {
    if (s.filesz() < 0 || s.filesz() > s.memsz()) {
      throw new BootException(
          "p_filesz", Long.toUnsignedString(s.filesz()), "<= p_memsz " + s.memsz());
    }
    if (s.offset() < 0 || s.offset() > fileSize - s.filesz()) {
      throw new BootException(
          "p_offset",
          BootException.hex(s.offset()) + " + p_filesz " + s.filesz(),
          "inside the " + fileSize + "-byte image");
    }
    if (s.paddr() < Layout.HIMEM_START) {
      throw new BootException(
          "p_paddr", BootException.hex(s.paddr()), ">= 0x100000, above the boot structures");
    }
    if (!memory.contains(s.paddr(), s.memsz())) {
      throw new BootException(
          "p_paddr",
          BootException.hex(s.paddr()) + " + p_memsz " + Long.toUnsignedString(s.memsz()),
          "inside one guest RAM region");
    }
  }

  /** The PHYS32 entry from a Xen note in {@code note}, or -1 when it has none. */
  private static long findPvhEntry(ImageSource image, Segment note, long fileSize) {
    if (note.filesz() < 0 || note.filesz() > MAX_NOTE_SIZE) {
      throw new BootException(
          "PT_NOTE p_filesz", Long.toUnsignedString(note.filesz()), "<= " + MAX_NOTE_SIZE);
    }
    if (note.offset() < 0 || note.offset() > fileSize - note.filesz()) {
      throw new BootException(
          "PT_NOTE p_offset", BootException.hex(note.offset()), "inside the image");
    }
    ByteBuffer notes = Images.read(image, note.offset(), (int) note.filesz(), "PT_NOTE");
    int position = 0;
    while (notes.limit() - position >= 12) {
      long namesz = Integer.toUnsignedLong(notes.getInt(position));
      long descsz = Integer.toUnsignedLong(notes.getInt(position + 4));
      int type = notes.getInt(position + 8);
      long name = position + 12L;
      long desc = name + Layout.alignUp(namesz, 4);
      long next = desc + Layout.alignUp(descsz, 4);
      if (desc > notes.limit() || desc + descsz > notes.limit()) {
        throw new BootException(
            "PT_NOTE n_namesz/n_descsz",
            namesz + "/" + descsz,
            "a note inside the " + notes.limit() + "-byte segment");
      }
      if (type == XEN_ELFNOTE_PHYS32_ENTRY && isXen(notes, (int) name, namesz)) {
        if (descsz < 4) {
          throw new BootException(
              "XEN_ELFNOTE_PHYS32_ENTRY n_descsz", Long.toString(descsz), ">= 4");
        }
        // PHYS32 is a 32-bit address; kernels emit it as a pointer-sized value, little-endian.
        return Integer.toUnsignedLong(notes.getInt((int) desc));
      }
      position = (int) Math.min(next, notes.limit());
    }
    return -1;
  }

  private static boolean isXen(ByteBuffer notes, int offset, long namesz) {
    byte[] xen = "Xen\0".getBytes(StandardCharsets.US_ASCII);
    if (namesz != xen.length) {
      return false;
    }
    for (int i = 0; i < xen.length; i++) {
      if (notes.get(offset + i) != xen[i]) {
        return false;
      }
    }
    return true;
  }
}
