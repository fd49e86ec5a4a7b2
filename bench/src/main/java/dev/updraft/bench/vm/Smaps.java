package dev.updraft.bench.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A VMM's resident memory without its guest's RAM, as Firecracker's memory-overhead test counts it:
 * the Rss of every mapping whose size is not the guest memory's size.
 */
final class Smaps {
  private Smaps() {}

  /** Resident KiB of {@code pid} outside mappings of {@code guestBytes} (up to 4 MiB more). */
  static long overheadKib(long pid, long guestBytes) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/smaps"));
    long total = 0;
    long size = 0;
    for (String line : lines) {
      if (line.startsWith("Size:")) {
        size = kib(line) * 1024;
      } else if (line.startsWith("Rss:")) {
        boolean guest = size >= guestBytes && size <= guestBytes + (4 << 20);
        if (!guest) {
          total += kib(line);
        }
      }
    }
    return total;
  }

  private static long kib(String line) {
    String[] parts = line.trim().split("\\s+");
    return Long.parseLong(parts[1]);
  }
}
