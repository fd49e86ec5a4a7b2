package dev.updraft.vmm.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.memory.MappedGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory file written from real mappings (no KVM needed): full, diff, a diff laid over a full
 * with {@link RebaseSnap}, and a diff merged in place.
 */
class MemoryFileTest {
  private static final int PAGE = 4096;
  // Two regions with a gap between them in guest-physical space, as Layout has around 3 GiB.
  private static final List<MemoryRegion> REGIONS =
      List.of(new MemoryRegion(0, 64 * PAGE), new MemoryRegion(1L << 32, 32 * PAGE));

  @TempDir Path dir;

  @Test
  void aFullFileIsTheRegionsOneAfterTheOther() throws Exception {
    try (MappedGuestMemory memory = MappedGuestMemory.anonymous(REGIONS)) {
      memory.writeLong(5 * PAGE, 0x1111);
      memory.writeLong((1L << 32) + 3 * PAGE, 0x2222);
      Path file = dir.resolve("mem");
      MemoryFile.writeFull(file, memory);
      byte[] bytes = Files.readAllBytes(file);
      assertThat(bytes).hasSize(96 * PAGE);
      assertThat(longAt(bytes, 5 * PAGE)).isEqualTo(0x1111);
      assertThat(longAt(bytes, (64 + 3) * PAGE)).isEqualTo(0x2222);
      MemoryFile.requireSize(file, 96 * PAGE, "mem_backend.backend_path");
      assertThatThrownBy(() -> MemoryFile.requireSize(file, 97 * PAGE, "mem_backend.backend_path"))
          .hasMessage(
              "mem_backend.backend_path: "
                  + file
                  + ": 393216 bytes (expected: 397312, the guest memory the state file describes)");
    }
  }

  @Test
  void aFullIntoANewFileLeavesZeroPagesAsHolesButOverAnOldOneWritesThem() throws Exception {
    try (MappedGuestMemory memory = MappedGuestMemory.anonymous(REGIONS)) {
      memory.writeLong(5 * PAGE, 0x1111);
      memory.writeLong(6 * PAGE + 8, 0x3333);
      memory.writeLong((1L << 32) + 3 * PAGE, 0x2222);
      Path file = dir.resolve("mem");
      MemoryFile.writeFull(file, memory);
      Path zeros = Files.write(dir.resolve("zeros"), new byte[96 * PAGE]);
      assertThat(RebaseSnap.merge(zeros, file))
          .as("only the three pages that are not zero are data")
          .isEqualTo(3 * PAGE);
      assertThat(Files.readAllBytes(zeros)).isEqualTo(Files.readAllBytes(file));

      memory.zero(5 * PAGE, PAGE);
      MemoryFile.writeFull(file, memory);
      byte[] bytes = Files.readAllBytes(file);
      assertThat(longAt(bytes, 5 * PAGE)).as("a page that became zero").isZero();
      assertThat(longAt(bytes, 6 * PAGE + 8)).isEqualTo(0x3333);
    }
  }

  @Test
  void aDiffLaidOverTheFullGivesTheMemoryAtTheDiffsMoment() throws Exception {
    try (MappedGuestMemory memory = MappedGuestMemory.anonymous(REGIONS)) {
      memory.trackWrites();
      for (int page = 0; page < 64; page++) {
        memory.writeLong((long) page * PAGE, 1000 + page);
      }
      Path full = dir.resolve("full");
      MemoryFile.writeFull(full, memory);
      memory.takeWritten(0);
      memory.takeWritten(1);

      memory.writeLong(7 * PAGE + 8, 7777); // dirty page 7 of region 0
      memory.zero(9 * PAGE, 2 * PAGE); // pages 9 and 10, now zero: data, not holes
      memory.writeByte((1L << 32) + 31 * PAGE, (byte) 1); // the last page of region 1
      long[] first = memory.takeWritten(0);
      long[] second = memory.takeWritten(1);
      assertThat(first[0]).isEqualTo(1L << 7 | 1L << 9 | 1L << 10);
      assertThat(second[0]).isEqualTo(1L << 31);
      Path diff = dir.resolve("diff");
      assertThat(MemoryFile.writeDiff(diff, memory, List.of(first, second))).isEqualTo(4);
      assertThat(Files.size(diff)).isEqualTo(96 * PAGE);

      long copied = RebaseSnap.merge(full, diff);
      Path now = dir.resolve("now");
      MemoryFile.writeFull(now, memory);
      assertThat(Files.readAllBytes(full)).isEqualTo(Files.readAllBytes(now));
      assertThat(copied).as("the diff is sparse: only its four pages are data").isEqualTo(4 * PAGE);
    }
  }

  @Test
  void aDiffWrittenOverAFileOfTheMemorysSizeMergesIntoIt() throws Exception {
    try (MappedGuestMemory memory = MappedGuestMemory.anonymous(REGIONS)) {
      Path file = dir.resolve("mem");
      memory.writeLong(PAGE, 1);
      MemoryFile.writeFull(file, memory);
      memory.writeLong(2 * PAGE, 2);
      long[] dirty = new long[1];
      dirty[0] = 1L << 2;
      MemoryFile.writeDiff(file, memory, List.of(dirty, new long[1]));
      byte[] bytes = Files.readAllBytes(file);
      assertThat(longAt(bytes, PAGE)).isEqualTo(1);
      assertThat(longAt(bytes, 2 * PAGE)).isEqualTo(2);
    }
  }

  @Test
  void aDiffOfAnotherSizeIsRefused() throws Exception {
    Path base = Files.write(dir.resolve("base"), new byte[2 * PAGE]);
    Path diff = Files.write(dir.resolve("diff"), new byte[PAGE]);
    assertThatThrownBy(() -> RebaseSnap.merge(base, diff))
        .hasMessage(
            "--diff-file: "
                + diff
                + ": 4096 bytes (expected: 8192, the size of --base-file "
                + base
                + ")");
  }

  private static long longAt(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = value << 8 | (bytes[offset + i] & 0xFF);
    }
    return value;
  }

  static byte[] page(int fill) {
    byte[] bytes = new byte[PAGE];
    Arrays.fill(bytes, (byte) fill);
    return bytes;
  }
}
