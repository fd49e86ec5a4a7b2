package dev.updraft.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.HeapGuestMemory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class InitrdLoaderTest {
  private static final long RAM = 64 << 20;

  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(RAM));
  private final LoadedKernel elf =
      new ElfKernel(0x100_0000, BootProtocol.LINUX_64, 0x100_0000, 0x120_0000);

  @Test
  void sitsPageAlignedAtTheTopOfLowRam() {
    byte[] image = TestImages.pattern(10_000, 9);

    Initrd initrd = InitrdLoader.load(memory, ImageSource.of(image), elf);

    assertThat(initrd).isEqualTo(new Initrd(RAM - 0x3000, 10_000));
    byte[] copy = new byte[image.length];
    memory.read(initrd.address(), copy, 0, copy.length);
    assertThat(copy).isEqualTo(image);
  }

  @Test
  void staysBelowTheInitrdAddrMaxOfABzImage() {
    ByteBuffer header = TestImages.bzImage(4, 0x1000);
    header.putInt(ZeroPageLayout.INITRD_ADDR_MAX, 0x1FF_FFFF);
    LoadedKernel bz = KernelLoader.load(memory, ImageSource.of(header.array()));

    Initrd initrd = InitrdLoader.load(memory, ImageSource.of(new byte[0x1800]), bz);

    assertThat(initrd.address()).isEqualTo(0x200_0000 - 0x2000);
  }

  @Test
  void rejectsEmptyImagesAndImagesThatWouldOverlapTheKernel() {
    assertThatThrownBy(() -> InitrdLoader.load(memory, ImageSource.of(new byte[0]), elf))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("initrd size: 0 (expected: 1..");
    byte[] tooBig = new byte[(int) (RAM - 0x120_0000 + 1)];
    assertThatThrownBy(() -> InitrdLoader.load(memory, ImageSource.of(tooBig), elf))
        .isInstanceOf(BootException.class)
        .hasMessage(
            "initrd size: "
                + tooBig.length
                + " (expected: 1..48234496 bytes, between the kernel end 0x1200000 and the top of"
                + " low RAM 0x4000000)");
    LoadedKernel unevenEnd =
        new ElfKernel(0x100_0000, BootProtocol.LINUX_64, 0x100_0000, 0x120_0800);
    byte[] unaligned = new byte[(int) (RAM - 0x120_0800 - 1)];
    assertThatThrownBy(() -> InitrdLoader.load(memory, ImageSource.of(unaligned), unevenEnd))
        .hasMessageContaining("room for a page-aligned copy above the kernel end 0x1200800");
  }
}
