package dev.updraft.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.boot.TestImages.Elf;
import dev.updraft.vmm.boot.TestImages.Phdr;
import dev.updraft.vmm.memory.HeapGuestMemory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ElfLoaderTest {
  private static final long TEXT = 0x100_0000;

  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(64 << 20));

  @Test
  void loadsSegmentsAtTheirPhysicalAddressAndZeroesTheBss() {
    Elf elf = TestImages.kernel(0x3000, 0x5000);
    memory.writeLong(TEXT + 0x4000, -1L); // stale bytes where the bss goes

    LoadedKernel kernel = KernelLoader.load(memory, ImageSource.of(elf.bytes()));

    assertThat(kernel).isEqualTo(new ElfKernel(TEXT, BootProtocol.LINUX_64, TEXT, TEXT + 0x5000));
    byte[] loaded = new byte[0x3000];
    memory.read(TEXT, loaded, 0, loaded.length);
    assertThat(loaded).isEqualTo(elf.body);
    assertThat(memory.readLong(TEXT + 0x4000)).isZero();
  }

  @Test
  void loadsSeveralSegmentsAndSpansThemAll() {
    Elf elf = TestImages.kernel(0x1000, 0x1000);
    elf.body = TestImages.pattern(0x2000, 1);
    elf.phdrs.add(Phdr.load(elf.bodyOffset + 0x1000, 0x200_0000, 0x1000, 0x3000));

    LoadedKernel kernel = KernelLoader.load(memory, ImageSource.of(elf.bytes()));

    assertThat(kernel.start()).isEqualTo(TEXT);
    assertThat(kernel.end()).isEqualTo(0x200_3000);
    assertThat(memory.readByte(0x200_0000)).isEqualTo(elf.body[0x1000]);
  }

  @Test
  void aXenPhys32EntryNoteSelectsPvh() {
    Elf elf = TestImages.kernel(0x2000, 0x2000);
    byte[] other = TestImages.note("GNU", 3, new byte[20]);
    byte[] xen = TestImages.note("Xen", 18, TestImages.u64(TEXT + 0x180));
    byte[] notes = new byte[other.length + xen.length];
    System.arraycopy(other, 0, notes, 0, other.length);
    System.arraycopy(xen, 0, notes, other.length, xen.length);
    System.arraycopy(notes, 0, elf.body, 0x1800, notes.length);
    elf.phdrs.add(Phdr.note(elf.bodyOffset + 0x1800, notes.length));

    LoadedKernel kernel = KernelLoader.load(memory, ImageSource.of(elf.bytes()));

    assertThat(kernel.protocol()).isEqualTo(BootProtocol.PVH);
    assertThat(kernel.entry()).isEqualTo(TEXT + 0x180);
  }

  @Test
  void notesOfOtherOwnersOrTypesKeepTheLinuxBoot() {
    Elf elf = TestImages.kernel(0x2000, 0x2000);
    byte[] notes = TestImages.note("Xen", 17, TestImages.u64(TEXT));
    System.arraycopy(notes, 0, elf.body, 0x1800, notes.length);
    elf.phdrs.add(Phdr.note(elf.bodyOffset + 0x1800, notes.length));

    assertThat(KernelLoader.load(memory, ImageSource.of(elf.bytes())).protocol())
        .isEqualTo(BootProtocol.LINUX_64);
  }

  @Test
  void rejectsHeadersThatAreNotA64BitX86Executable() {
    assertRejected(Arrays.copyOf(TestImages.kernel(16, 16).bytes(), 40), "ELF header");
    Elf elf = TestImages.kernel(16, 16);
    elf.elfClass = 1;
    assertRejected(elf.bytes(), "EI_CLASS: 1 (expected: 2, 64-bit)");
    elf = TestImages.kernel(16, 16);
    elf.data = 2;
    assertRejected(elf.bytes(), "EI_DATA");
    elf = TestImages.kernel(16, 16);
    elf.machine = 40;
    assertRejected(elf.bytes(), "e_machine: 40 (expected: 62, x86-64)");
    elf = TestImages.kernel(16, 16);
    elf.type = 3;
    assertRejected(elf.bytes(), "e_type: 3");
    elf = TestImages.kernel(16, 16);
    elf.phentsize = 32;
    assertRejected(elf.bytes(), "e_phentsize: 32 (expected: 56)");
  }

  @Test
  void rejectsProgramHeaderTablesOutsideTheFileOrAbsurdlyLarge() {
    Elf elf = TestImages.kernel(16, 16);
    elf.phnum = 0;
    assertRejected(elf.bytes(), "e_phnum: 0 (expected: 1..64)");
    elf.phnum = 65535;
    assertRejected(elf.bytes(), "e_phnum: 65535");
    elf = TestImages.kernel(16, 16);
    elf.phoff = 1L << 40;
    assertRejected(elf.bytes(), "e_phoff: 0x10000000000");
  }

  @Test
  void rejectsSegmentsPastTheFileEndOrOutsideRam() {
    Elf elf = TestImages.kernel(0x100, 0x100);
    elf.phdrs.set(0, Phdr.load(elf.bodyOffset, TEXT, 0x10_0000, 0x10_0000));
    assertRejected(elf.bytes(), "p_offset: 0x1000 + p_filesz 1048576 (expected: inside the");
    elf.phdrs.set(0, Phdr.load(-8, TEXT, 0x100, 0x100));
    assertRejected(elf.bytes(), "p_offset");
    elf.phdrs.set(0, Phdr.load(elf.bodyOffset, 0x8000, 0x100, 0x100));
    assertRejected(elf.bytes(), "p_paddr: 0x8000 (expected: >= 0x100000, above the boot");
    elf.phdrs.set(0, Phdr.load(elf.bodyOffset, 0x3FF_F000, 0x100, 0x2000));
    assertRejected(elf.bytes(), "p_paddr: 0x3fff000 + p_memsz 8192 (expected: inside one guest");
    elf.phdrs.set(0, Phdr.load(elf.bodyOffset, TEXT, 0x100, -1L));
    assertRejected(elf.bytes(), "p_filesz");
    elf.phdrs.set(0, Phdr.load(elf.bodyOffset, -0x1000, 0x100, 0x100));
    assertRejected(elf.bytes(), "p_paddr");
    elf.phdrs.set(0, Phdr.load(elf.bodyOffset, TEXT, 0x200, 0x100));
    assertRejected(elf.bytes(), "p_filesz: 512 (expected: <= p_memsz 256)");
  }

  @Test
  void rejectsImagesWithoutLoadableCodeAtTheEntry() {
    Elf elf = TestImages.kernel(0x100, 0x100);
    elf.phdrs.set(0, new Phdr(6, 0, 0, 0, 0, 0));
    assertRejected(elf.bytes(), "PT_LOAD segments: 0");
    elf = TestImages.kernel(0x100, 0x100);
    elf.entry = 0x800_0000;
    assertRejected(elf.bytes(), "e_entry: 0x8000000 (expected: inside a PT_LOAD segment)");
  }

  @Test
  void rejectsMalformedNotes() {
    Elf elf = TestImages.kernel(0x2000, 0x2000);
    byte[] note = TestImages.note("Xen", 18, TestImages.u64(TEXT));
    note[4] = (byte) 0xF0; // descsz far past the segment
    System.arraycopy(note, 0, elf.body, 0x1800, note.length);
    elf.phdrs.add(Phdr.note(elf.bodyOffset + 0x1800, note.length));
    assertRejected(elf.bytes(), "PT_NOTE n_namesz/n_descsz: 4/240");

    elf.phdrs.set(1, Phdr.note(elf.bodyOffset, 2L << 20));
    assertRejected(elf.bytes(), "PT_NOTE p_filesz: 2097152");
    elf.phdrs.set(1, Phdr.note(1L << 32, 64));
    assertRejected(elf.bytes(), "PT_NOTE p_offset");

    byte[] shortDesc = TestImages.note("Xen", 18, new byte[2]);
    System.arraycopy(shortDesc, 0, elf.body, 0x1800, shortDesc.length);
    elf.phdrs.set(1, Phdr.note(elf.bodyOffset + 0x1800, shortDesc.length));
    assertRejected(elf.bytes(), "XEN_ELFNOTE_PHYS32_ENTRY n_descsz: 2 (expected: >= 4)");

    byte[] outside = TestImages.note("Xen", 18, TestImages.u64(0x900_0000));
    System.arraycopy(outside, 0, elf.body, 0x1800, outside.length);
    elf.phdrs.set(1, Phdr.note(elf.bodyOffset + 0x1800, outside.length));
    assertRejected(elf.bytes(), "XEN_ELFNOTE_PHYS32_ENTRY: 0x9000000");
  }

  @Test
  void aTruncatedImageFailsWithoutTouchingGuestMemory() {
    byte[] full = TestImages.kernel(0x3000, 0x3000).bytes();
    byte[] truncated = Arrays.copyOf(full, 0x2000);
    assertRejected(truncated, "p_offset");
    assertThat(memory.readLong(TEXT)).isZero();
  }

  private void assertRejected(byte[] image, String message) {
    assertThatThrownBy(() -> KernelLoader.load(memory, ImageSource.of(image)))
        .isInstanceOf(BootException.class)
        .hasMessageContaining(message);
  }
}
