package dev.updraft.vmm.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A QEMU {@code microvm} run of a test guest with KVM: the anchor our VMM is compared with. The
 * machine has COM1, no option ROMs and no RTC, virtio-mmio in modern (version 2) mode and
 * isa-debug-exit at port 0xf4; with ACPI off QEMU lists the devices on the command line as {@code
 * virtio_mmio.device=} entries.
 *
 * @param kernel the guest ELF (the PVH variant; QEMU cannot boot the other)
 * @param cmdline the guest's command line
 * @param memoryMib guest RAM
 * @param vcpus vCPU count
 * @param acpi whether QEMU builds ACPI tables
 * @param deviceArgs further QEMU arguments (devices, drives, netdevs)
 * @param prefix a command to run QEMU under, e.g. {@code ip netns exec NAME}
 */
public record QemuConfig(
    Path kernel,
    String cmdline,
    int memoryMib,
    int vcpus,
    boolean acpi,
    List<String> deviceArgs,
    List<String> prefix) {
  public QemuConfig {
    if (memoryMib < 16 || memoryMib > 3072) {
      throw new IllegalArgumentException("memoryMib: " + memoryMib + " (expected: 16 to 3072)");
    }
    if (vcpus < 1 || vcpus > 32) {
      throw new IllegalArgumentException("vcpus: " + vcpus + " (expected: 1 to 32)");
    }
    if (cmdline.contains("\"")) {
      throw new IllegalArgumentException("cmdline: " + cmdline + " (expected: no double quotes)");
    }
    deviceArgs = List.copyOf(deviceArgs);
    prefix = List.copyOf(prefix);
  }

  /** 128 MiB, one vCPU, no ACPI, no devices. */
  public static QemuConfig of(Path kernel) {
    return new QemuConfig(kernel, "", 128, 1, false, List.of(), List.of());
  }

  public QemuConfig withCmdline(String value) {
    return new QemuConfig(kernel, value, memoryMib, vcpus, acpi, deviceArgs, prefix);
  }

  public QemuConfig withMemoryMib(int value) {
    return new QemuConfig(kernel, cmdline, value, vcpus, acpi, deviceArgs, prefix);
  }

  public QemuConfig withVcpus(int value) {
    return new QemuConfig(kernel, cmdline, memoryMib, value, acpi, deviceArgs, prefix);
  }

  public QemuConfig withAcpi(boolean value) {
    return new QemuConfig(kernel, cmdline, memoryMib, vcpus, value, deviceArgs, prefix);
  }

  /** Adds arguments, e.g. {@code with("-device", "virtio-rng-device")}. */
  public QemuConfig with(String... args) {
    List<String> all = new ArrayList<>(deviceArgs);
    all.addAll(List.of(args));
    return new QemuConfig(kernel, cmdline, memoryMib, vcpus, acpi, all, prefix);
  }

  public QemuConfig withPrefix(String... command) {
    return new QemuConfig(kernel, cmdline, memoryMib, vcpus, acpi, deviceArgs, List.of(command));
  }

  /** The full command line, with a QMP server on {@code qmpSocket}. */
  public List<String> command(Path qmpSocket) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            Qemu.BINARY,
            "-M",
            "microvm,x-option-roms=off,isa-serial=on,rtc=off,acpi=" + (acpi ? "on" : "off"),
            "-enable-kvm",
            "-cpu",
            "host,-arch-capabilities",
            "-global",
            "virtio-mmio.force-legacy=false",
            "-m",
            Integer.toString(memoryMib),
            "-smp",
            Integer.toString(vcpus),
            "-kernel",
            kernel.toString(),
            "-append",
            cmdline,
            "-nodefaults",
            "-no-reboot",
            "-display",
            "none",
            "-serial",
            "stdio",
            "-device",
            "isa-debug-exit,iobase=0xf4",
            "-qmp",
            "unix:" + qmpSocket + ",server=on,wait=off"));
    command.addAll(deviceArgs);
    return command;
  }
}
