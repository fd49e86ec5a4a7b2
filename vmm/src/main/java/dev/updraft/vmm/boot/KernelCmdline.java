package dev.updraft.vmm.boot;

import dev.updraft.vmm.arch.DeviceSlot;
import dev.updraft.vmm.arch.Layout;
import dev.updraft.vmm.memory.GuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The guest kernel command line, built as Firecracker builds it: the user's boot_args (or
 * Firecracker's default), then {@code root=} for a root drive, one {@code virtio_mmio.device=} per
 * device and {@code pci=off}. Each step returns a new value, checked against the 2048-byte limit
 * (NUL included) the moment it grows past it.
 *
 * @param text the command line without its NUL terminator
 */
public record KernelCmdline(String text) {
  /** Firecracker's boot_args when the user gives none ({@code DEFAULT_KERNEL_CMDLINE}). */
  public static final String FIRECRACKER_DEFAULT =
      "reboot=k panic=1 nomodule 8250.nr_uarts=0 i8042.noaux i8042.nomux i8042.dumbkbd"
          + " swiotlb=noforce";

  public KernelCmdline {
    Objects.requireNonNull(text, "text");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        throw new BootException(
            "kernel command line",
            "character 0x" + Integer.toHexString(c) + " at index " + i,
            "printable ASCII only");
      }
    }
    if (text.length() + 1 > Layout.CMDLINE_MAX_SIZE) {
      throw new BootException(
          "kernel command line",
          (text.length() + 1) + " bytes with its NUL",
          "at most " + Layout.CMDLINE_MAX_SIZE);
    }
  }

  /** The user's boot_args as given. */
  public static KernelCmdline of(String bootArgs) {
    return new KernelCmdline(bootArgs.strip());
  }

  /** What the guest gets when boot_args is absent. */
  public static KernelCmdline firecrackerDefault() {
    return new KernelCmdline(FIRECRACKER_DEFAULT);
  }

  /** This line with {@code arg} appended after a space. */
  public KernelCmdline append(String arg) {
    String value = arg.strip();
    if (value.isEmpty()) {
      return this;
    }
    return new KernelCmdline(text.isEmpty() ? value : text + " " + value);
  }

  /** The root drive as the first virtio block device ({@code root=/dev/vda ro|rw}). */
  public KernelCmdline withRootDevice(boolean readOnly) {
    return append("root=/dev/vda " + (readOnly ? "ro" : "rw"));
  }

  /** The root as the {@code index}-th pmem device ({@code root=/dev/pmem<index> ro|rw}). */
  public KernelCmdline withRootPmem(int index, boolean readOnly) {
    return append("root=/dev/pmem" + index + " " + (readOnly ? "ro" : "rw"));
  }

  /** The root drive found by partition UUID ({@code root=PARTUUID=... ro|rw}). */
  public KernelCmdline withRootPartuuid(String partuuid, boolean readOnly) {
    if (partuuid.isBlank() || partuuid.chars().anyMatch(c -> c == ' ')) {
      throw new BootException(
          "partuuid", "\"" + partuuid + "\"", "a non-empty value without spaces");
    }
    return append("root=PARTUUID=" + partuuid + " " + (readOnly ? "ro" : "rw"));
  }

  /** A virtio-mmio device for kernels with VIRTIO_MMIO_CMDLINE_DEVICES: size@base:gsi. */
  public KernelCmdline withVirtioMmio(DeviceSlot slot) {
    return append(
        "virtio_mmio.device="
            + sizeWithSuffix(slot.size())
            + "@0x"
            + Long.toHexString(slot.base())
            + ":"
            + slot.gsi());
  }

  /** Firecracker appends this whenever PCI is disabled. */
  public KernelCmdline withPciOff() {
    return append("pci=off");
  }

  /** The bytes the guest reads, NUL included; the zero page records this length. */
  public byte[] toBytesWithNul() {
    byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = new byte[ascii.length + 1];
    System.arraycopy(ascii, 0, bytes, 0, ascii.length);
    return bytes;
  }

  /** Writes the NUL-terminated line at {@link Layout#CMDLINE_START}. */
  public void writeTo(GuestMemory memory) {
    byte[] bytes = toBytesWithNul();
    memory.write(Layout.CMDLINE_START, bytes, 0, bytes.length);
  }

  private static String sizeWithSuffix(long size) {
    String[] suffixes = {"G", "M", "K"};
    long[] units = {1L << 30, 1L << 20, 1L << 10};
    for (int i = 0; i < units.length; i++) {
      if (size % units[i] == 0) {
        return size / units[i] + suffixes[i];
      }
    }
    return Long.toString(size);
  }

  @Override
  public String toString() {
    return text;
  }
}
