package dev.updraft.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.arch.E820Entry;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.arch.MemoryMap;
import dev.updraft.vmm.memory.HeapGuestMemory;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZeroPageTest {
  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(128 << 20));
  private final List<E820Entry> map = MemoryMap.of(memory.regions());
  private final KernelCmdline cmdline = KernelCmdline.of("console=ttyS0");
  private final ElfKernel elf =
      new ElfKernel(0x100_0000, BootProtocol.LINUX_64, 0x100_0000, 0x200_0000);

  @Test
  void describesAnElfKernelAsFirecrackerDoes() {
    ZeroPage.write(memory, elf, cmdline, map, new Initrd(0x7F0_0000, 0x1234));

    long page = Layout.ZERO_PAGE_START;
    assertThat(memory.readByte(page + 0x210)).isEqualTo((byte) 0xFF); // type_of_loader
    assertThat(memory.readShort(page + 0x1FE)).isEqualTo((short) 0xAA55); // boot_flag
    assertThat(memory.readInt(page + 0x202)).isEqualTo(0x53726448); // "HdrS"
    assertThat(memory.readInt(page + 0x228)).isEqualTo(0x20000); // cmd_line_ptr
    assertThat(memory.readInt(page + 0x238)).isEqualTo(14); // cmdline_size with the NUL
    assertThat(memory.readInt(page + 0x230)).isEqualTo(0x100_0000); // kernel_alignment
    assertThat(memory.readInt(page + 0x218)).isEqualTo(0x7F0_0000); // ramdisk_image
    assertThat(memory.readInt(page + 0x21C)).isEqualTo(0x1234); // ramdisk_size
    assertThat(memory.readLong(page + 0x70)).isEqualTo(0xE0000); // acpi_rsdp_addr
  }

  @Test
  void carriesTheMemoryMapAsE820Entries() {
    ZeroPage.write(memory, elf, cmdline, map);

    long page = Layout.ZERO_PAGE_START;
    assertThat(memory.readByte(page + 0x1E8)).isEqualTo((byte) 4);
    long[][] expected = {
      {0, 0x9FC00, 1}, {0x9FC00, 0x40400, 2}, {0xEEC0_0000L, 256 << 20, 2}, {0x100000, 127 << 20, 1}
    };
    for (int i = 0; i < expected.length; i++) {
      long entry = page + 0x2D0 + i * 20L;
      assertThat(memory.readLong(entry)).isEqualTo(expected[i][0]);
      assertThat(memory.readLong(entry + 8)).isEqualTo(expected[i][1]);
      assertThat(memory.readInt(entry + 16)).isEqualTo((int) expected[i][2]);
    }
    assertThat(memory.readInt(page + 0x218)).isZero(); // no initrd
  }

  @Test
  void seedsTheZeroPageFromABzImagesOwnSetupHeader() {
    ByteBuffer image = TestImages.bzImage(4, 0x1000);
    image.putShort(0x1FA, (short) 0xFFFF); // vid_mode, a field the VMM never sets
    LoadedKernel bz = KernelLoader.load(memory, ImageSource.of(image.array()));

    ZeroPage.write(memory, bz, cmdline, map);

    long page = Layout.ZERO_PAGE_START;
    assertThat(memory.readShort(page + 0x1FA)).isEqualTo((short) 0xFFFF);
    assertThat(memory.readShort(page + 0x206)).isEqualTo((short) 0x20F); // version
    assertThat(memory.readInt(page + 0x230)).isEqualTo(0x20_0000); // the image's alignment
    assertThat(memory.readInt(page + 0x214)).isEqualTo(0x100000); // code32_start
    assertThat(memory.readByte(page + 0x210)).isEqualTo((byte) 0xFF);
    assertThat(memory.readInt(page + 0x228)).isEqualTo(0x20000);
  }
}
