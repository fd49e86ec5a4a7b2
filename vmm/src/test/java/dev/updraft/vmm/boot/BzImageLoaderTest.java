package dev.updraft.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.HeapGuestMemory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BzImageLoaderTest {
  private final HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(64 << 20));

  @Test
  void loadsTheProtectedModeCodeAtOneMibAndEntersAt0x200() {
    ByteBuffer image = TestImages.bzImage(27, 0x4000);

    LoadedKernel kernel = KernelLoader.load(memory, ImageSource.of(image.array()));

    assertThat(kernel).isInstanceOf(BzImageKernel.class);
    assertThat(kernel.protocol()).isEqualTo(BootProtocol.LINUX_64);
    assertThat(kernel.start()).isEqualTo(0x100000);
    assertThat(kernel.entry()).isEqualTo(0x100200);
    assertThat(kernel.end()).isEqualTo(0x104000);
    byte[] loaded = new byte[0x4000];
    memory.read(0x100000, loaded, 0, loaded.length);
    assertThat(loaded).isEqualTo(Arrays.copyOfRange(image.array(), 28 * 512, 28 * 512 + 0x4000));
    SetupHeader header = ((BzImageKernel) kernel).header();
    assertThat(header.version()).isEqualTo(0x20F);
    assertThat(header.bytes()).hasSize(0x6A + 0x202 - 0x1F1);
  }

  @Test
  void reservesInitSizeWhenTheKernelNeedsMoreThanItsFile() {
    ByteBuffer image = TestImages.bzImage(0, 0x2000);
    image.putInt(ZeroPageLayout.INIT_SIZE, 0x80_0000);

    LoadedKernel kernel = KernelLoader.load(memory, ImageSource.of(image.array()));

    assertThat(kernel.end()).isEqualTo(0x100000 + 0x80_0000);
    assertThat(memory.readByte(0x100000)).isEqualTo(image.get(5 * 512));
  }

  @Test
  void rejectsImagesThatAreNeitherElfNorBzImage() {
    assertRejected(new byte[100], "bzImage size: 100 bytes");
    assertRejected(
        new byte[4096],
        "header: 0x0 (expected: 0x53726448 (\"HdrS\"): neither an ELF vmlinux nor a bzImage)");
  }

  @Test
  void rejectsOldProtocolsAnd32BitOnlyKernels() {
    ByteBuffer image = TestImages.bzImage(4, 0x1000);
    image.putShort(ZeroPageLayout.VERSION, (short) 0x020B);
    assertRejected(image.array(), "version: 0x20b (expected: >= 0x20c, boot protocol 2.12)");

    image = TestImages.bzImage(4, 0x1000);
    image.putShort(ZeroPageLayout.XLOADFLAGS, (short) 0x2);
    assertRejected(image.array(), "xloadflags: 0x2 (expected: XLF_KERNEL_64 set");

    image = TestImages.bzImage(4, 0x1000);
    image.put(ZeroPageLayout.LOADFLAGS, (byte) 0);
    assertRejected(image.array(), "loadflags: 0x0 (expected: LOADED_HIGH set)");

    image = TestImages.bzImage(4, 0x1000);
    image.put(ZeroPageLayout.JUMP + 1, (byte) 0x10);
    assertRejected(image.array(), "setup header length: 33");
  }

  @Test
  void rejectsSetupSectorsPastTheFileAndKernelsLargerThanRam() {
    ByteBuffer image = TestImages.bzImage(4, 0x1000);
    image.put(ZeroPageLayout.SETUP_SECTS, (byte) 200);
    assertRejected(image.array(), "setup_sects: 200 (expected: setup code shorter than");

    image = TestImages.bzImage(4, 0x1000);
    image.putInt(ZeroPageLayout.INIT_SIZE, -1);
    assertRejected(image.array(), "init_size: 4294967295 (expected: the kernel to fit");

    assertRejected(TestImages.bzImage(4, 0x100).array(), "bzImage payload: 256 bytes");
  }

  private void assertRejected(byte[] image, String message) {
    assertThatThrownBy(() -> KernelLoader.load(memory, ImageSource.of(image)))
        .isInstanceOf(BootException.class)
        .hasMessageContaining(message);
  }
}
