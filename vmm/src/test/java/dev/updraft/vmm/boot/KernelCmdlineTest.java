package dev.updraft.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.HeapGuestMemory;
import org.junit.jupiter.api.Test;

class KernelCmdlineTest {
  @Test
  void buildsFirecrackersLineForARootDriveAndTwoDevices() {
    KernelCmdline cmdline =
        KernelCmdline.firecrackerDefault()
            .withRootDevice(false)
            .withVirtioMmio(new DeviceSlot(0xC000_1000L, 0x1000, 5))
            .withVirtioMmio(new DeviceSlot(0xC000_2000L, 0x1000, 6))
            .withPciOff();

    assertThat(cmdline.text())
        .isEqualTo(
            "reboot=k panic=1 nomodule 8250.nr_uarts=0 i8042.noaux i8042.nomux i8042.dumbkbd"
                + " swiotlb=noforce root=/dev/vda rw virtio_mmio.device=4K@0xc0001000:5"
                + " virtio_mmio.device=4K@0xc0002000:6 pci=off");
  }

  @Test
  void usesTheUsersBootArgsAndPartuuidRoots() {
    assertThat(KernelCmdline.of("  console=ttyS0 reboot=k ").withRootPartuuid("1234-01", true))
        .hasToString("console=ttyS0 reboot=k root=PARTUUID=1234-01 ro");
    assertThat(KernelCmdline.of("").append("pci=off").text()).isEqualTo("pci=off");
    assertThatThrownBy(() -> KernelCmdline.of("a").withRootPartuuid("12 34", false))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("partuuid: \"12 34\"");
  }

  @Test
  void allowsAtMost2047CharactersBeforeTheNul() {
    String longest = "x".repeat(2047);
    assertThat(KernelCmdline.of(longest).toBytesWithNul()).hasSize(2048).endsWith(0);
    assertThatThrownBy(() -> KernelCmdline.of(longest).append("y"))
        .isInstanceOf(BootException.class)
        .hasMessage("kernel command line: 2050 bytes with its NUL (expected: at most 2048)");
  }

  @Test
  void rejectsCharactersALinuxCommandLineCannotCarry() {
    assertThatThrownBy(() -> KernelCmdline.of("console=ttyS0\nroot=x"))
        .isInstanceOf(BootException.class)
        .hasMessage(
            "kernel command line: character 0xa at index 13 (expected: printable ASCII only)");
    assertThatThrownBy(() -> KernelCmdline.of("caf\u00e9")).hasMessageContaining("0xe9");
  }

  @Test
  void writesTheNulTerminatedLineAtItsFixedAddress() {
    HeapGuestMemory memory = new HeapGuestMemory(Layout.ramRegions(4 << 20));
    memory.writeInt(Layout.CMDLINE_START + 7, -1);

    KernelCmdline.of("panic=1").writeTo(memory);

    byte[] bytes = new byte[8];
    memory.read(Layout.CMDLINE_START, bytes, 0, 8);
    assertThat(new String(bytes, 0, 7, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("panic=1");
    assertThat(bytes[7]).isZero();
  }
}
