package dev.updraft.vmm.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code /boot-source}: the guest kernel, an optional initrd and the kernel command line.
 *
 * @param kernelImagePath an ELF vmlinux or a bzImage on the host
 * @param initrdPath an initrd on the host, or null
 * @param bootArgs the kernel command line, or null for {@link #DEFAULT_BOOT_ARGS}
 */
public record BootSource(Path kernelImagePath, Path initrdPath, String bootArgs) {
  /** Firecracker's command line when the request gives none ({@code vmm_config/boot_source.rs}). */
  public static final String DEFAULT_BOOT_ARGS =
      "reboot=k panic=1 nomodule 8250.nr_uarts=0 i8042.noaux i8042.nomux i8042.dumbkbd"
          + " swiotlb=noforce";

  /**
   * The guest's command line is at most 2048 bytes with its terminating NUL (x86 boot protocol).
   */
  public static final int MAX_BOOT_ARGS_BYTES = 2047;

  public BootSource {
    Objects.requireNonNull(kernelImagePath, "kernel_image_path");
    if (bootArgs != null) {
      int length = bootArgs.getBytes(StandardCharsets.UTF_8).length;
      if (length > MAX_BOOT_ARGS_BYTES) {
        throw ConfigException.of("boot_args", length + " bytes", "at most " + MAX_BOOT_ARGS_BYTES);
      }
      if (bootArgs.indexOf('\0') >= 0) {
        throw ConfigException.of("boot_args", "a string with a NUL character", "no NUL");
      }
    }
  }

  /** The command line the guest gets before the VMM appends its own entries. */
  public String effectiveBootArgs() {
    return bootArgs != null ? bootArgs : DEFAULT_BOOT_ARGS;
  }
}
