package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuConfigTest {
  private final QemuConfig config = QemuConfig.of(Path.of("/tmp/boot.elf"));

  @Test
  void commandIsTheMicrovmAnchorWithTheGuestsArguments() {
    List<String> command =
        config
            .withCmdline("expect_vcpus=2")
            .withVcpus(2)
            .withMemoryMib(256)
            .with("-device", "virtio-rng-device")
            .command(Path.of("/tmp/q.sock"));

    assertThat(command.getFirst()).isEqualTo(Qemu.BINARY);
    assertThat(command)
        .containsSubsequence("-M", "microvm,x-option-roms=off,isa-serial=on,rtc=off,acpi=off")
        .containsSubsequence("-enable-kvm", "-cpu", "host,-arch-capabilities")
        .containsSubsequence("-global", "virtio-mmio.force-legacy=false")
        .containsSubsequence("-m", "256", "-smp", "2", "-kernel", "/tmp/boot.elf")
        .containsSubsequence("-append", "expect_vcpus=2")
        .containsSubsequence("-device", "isa-debug-exit,iobase=0xf4")
        .containsSubsequence("-qmp", "unix:/tmp/q.sock,server=on,wait=off")
        .contains("-nodefaults", "-no-reboot");
    assertThat(command.subList(command.size() - 2, command.size()))
        .containsExactly("-device", "virtio-rng-device");
  }

  @Test
  void acpiAndAPrefixCommand() {
    List<String> command =
        config.withAcpi(true).withPrefix("ip", "netns", "exec", "ns").command(Path.of("/q"));

    assertThat(command.subList(0, 5)).containsExactly("ip", "netns", "exec", "ns", Qemu.BINARY);
    assertThat(command).contains("microvm,x-option-roms=off,isa-serial=on,rtc=off,acpi=on");
  }

  @Test
  void rejectsSizesQemuMicrovmCannotTakeAndQuotesInTheCmdline() {
    assertThatThrownBy(() -> config.withMemoryMib(8))
        .hasMessage("memoryMib: 8 (expected: 16 to 3072)");
    assertThatThrownBy(() -> config.withVcpus(0)).hasMessage("vcpus: 0 (expected: 1 to 32)");
    assertThatThrownBy(() -> config.withCmdline("a=\"b\""))
        .hasMessage("cmdline: a=\"b\" (expected: no double quotes)");
  }
}
