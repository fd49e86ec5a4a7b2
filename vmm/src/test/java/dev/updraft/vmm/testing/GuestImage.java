package dev.updraft.vmm.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One built test guest: {@code pvh} carries the Xen PVH entry note, {@code linux64} does not, so a
 * VMM boots it through the Linux 64-bit protocol (same code, same report).
 */
public record GuestImage(String name, Path pvh, Path linux64) {
  public GuestImage {
    if (!Files.isRegularFile(pvh) || !Files.isRegularFile(linux64)) {
      throw new IllegalArgumentException(
          "guest " + name + ": " + pvh + ", " + linux64 + " (expected: both ELF files to exist)");
    }
  }
}
