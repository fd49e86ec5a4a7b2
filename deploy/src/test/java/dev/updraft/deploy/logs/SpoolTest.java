package dev.updraft.deploy.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.Fd;
import dev.updraft.sys.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.123456Z");
  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

  @TempDir Path dir;

  private void write(Path spool, byte[] bytes) throws Exception {
    Files.write(spool, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void write(Path spool, String text) throws Exception {
    write(spool, text.getBytes(StandardCharsets.UTF_8));
  }

  private List<String> texts(Path log) {
    try (LogFollower f = LogFollower.fromStart(log, "web-1")) {
      return f.poll().stream().map(LogLine::text).toList();
    }
  }

  @Test
  void stampsCompleteLinesAndKeepsAPartialOneUntilItEnds() throws Exception {
    Path log = dir.resolve("web-1.log");
    Spool spool = new Spool(log, Rotation.DEFAULT, CLOCK);
    Path out = spool.file();
    write(out, "one\ntw");
    spool.collect();
    assertThat(Files.readString(log)).isEqualTo("2026-12-07T10:00:00.123456Z one\n");
    write(out, "o\r\nthree");
    spool.collect();
    assertThat(texts(log)).containsExactly("one", "two");
    spool.finish(); // the process ended without a last newline
    assertThat(texts(log)).containsExactly("one", "two", "three");
    assertThat(Files.getPosixFilePermissions(log))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(out))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aCharacterSplitAcrossTwoReadsComesOutWhole() throws Exception {
    Path log = dir.resolve("web-1.log");
    Spool spool = new Spool(log, Rotation.DEFAULT, CLOCK);
    byte[] text = "grüße €\n".getBytes(StandardCharsets.UTF_8);
    int mid = "gr".length() + 1; // inside ü's two bytes
    write(spool.file(), java.util.Arrays.copyOfRange(text, 0, mid));
    spool.collect();
    write(spool.file(), java.util.Arrays.copyOfRange(text, mid, text.length));
    spool.collect();
    assertThat(texts(log)).containsExactly("grüße €");
  }

  @Test
  void anOverlongLineIsCutBetweenCharacters() throws Exception {
    Path log = dir.resolve("web-1.log");
    Spool spool = new Spool(log, Rotation.DEFAULT, CLOCK);
    String line = "€".repeat(Spool.MAX_LINE / 3 + 10); // 3 bytes each: the cut falls inside one
    write(spool.file(), line + "\n");
    spool.collect();
    List<String> parts = texts(log);
    assertThat(parts).hasSize(2);
    assertThat(String.join("", parts)).isEqualTo(line);
  }

  @Test
  void aNewCollectorGoesOnWhereTheLastStoppedWithoutLossOrRepeats() throws Exception {
    Path log = dir.resolve("web-1.log");
    Spool first = new Spool(log, Rotation.DEFAULT, CLOCK);
    write(first.file(), "a\nb\nhalf");
    first.collect();
    first.close(); // killed: its partial line was only in memory
    write(first.file(), " done\nc\n"); // the process wrote on meanwhile
    Spool second = new Spool(log, Rotation.DEFAULT, CLOCK);
    second.collect();
    assertThat(texts(log)).containsExactly("a", "b", "half done", "c");
  }

  @Test
  void rotatesBySizeKeepingTheNewestFiles() throws Exception {
    Path log = dir.resolve("web-1.log");
    Spool spool = new Spool(log, new Rotation(1024, 3), CLOCK);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      all.append("line ").append(i).append('\n');
    }
    write(spool.file(), all.toString());
    spool.collect();
    assertThat(log).exists();
    assertThat(StampedLog.generation(log, 1)).exists();
    assertThat(StampedLog.generation(log, 2)).exists();
    assertThat(StampedLog.generation(log, 3)).doesNotExist();
    for (int g = 0; g < 3; g++) {
      assertThat(Files.size(StampedLog.generation(log, g))).isLessThanOrEqualTo(1024);
      assertThat(Files.getPosixFilePermissions(StampedLog.generation(log, g)))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    List<String> kept = texts(log);
    assertThat(kept).isNotEmpty().endsWith("line 199");
    int first = Integer.parseInt(kept.getFirst().substring("line ".length()));
    assertThat(first).isGreaterThan(0); // the oldest lines went
    for (int i = 0; i < kept.size(); i++) {
      assertThat(kept.get(i)).isEqualTo("line " + (first + i)); // in order, none lost between
    }
  }

  @Test
  void collectedBytesArePunchedOutOfTheSpool() throws Exception {
    Path log = dir.resolve("web-1.log");
    Spool spool = new Spool(log, new Rotation(1 << 20, 2), CLOCK);
    byte[] chunk = ("x".repeat(1023) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] big = new byte[chunk.length * 3 * 1024]; // 3 MiB
    for (int i = 0; i < 3 * 1024; i++) {
      System.arraycopy(chunk, 0, big, i * chunk.length, chunk.length);
    }
    write(spool.file(), big);
    spool.collect();
    assertThat(Files.size(spool.file())).isEqualTo(big.length);
    try (Fd fd = Fd.open(spool.file(), OpenFlags.O_RDONLY)) {
      long data = fd.seekData(0);
      assertThat(data == -1 || data >= big.length - 4096).as("first data at " + data).isTrue();
    }
  }
}
