package dev.updraft.bench.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A VMM's resident memory without its guest's RAM, as Firecracker's memory-overhead test counts it:
 * the Rss (or Pss) of every mapping whose size is not the guest memory's size. Pss divides each
 * shared page among the processes that map it, so a sum of Pss over many processes counts a shared
 * library's pages once.
 */
final class Smaps {
  private Smaps() {}

  /** Resident KiB of {@code pid} outside mappings of {@code guestBytes} (up to 4 MiB more). */
  static long overheadKib(long pid, long guestBytes) throws IOException {
    return overheadKib(pid, guestBytes, "Rss:");
  }

  /** Proportional KiB of {@code pid} outside mappings of {@code guestBytes}. */
  static long proportionalOverheadKib(long pid, long guestBytes) throws IOException {
    return overheadKib(pid, guestBytes, "Pss:");
  }

  private static long overheadKib(long pid, long guestBytes, String field) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/smaps"));
    long total = 0;
    long size = 0;
    for (String line : lines) {
      if (line.startsWith("Size:")) {
        size = kib(line) * 1024;
      } else if (line.startsWith(field)) {
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
