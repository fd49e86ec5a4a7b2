package dev.updraft.deploy.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  @TempDir Path dir;

  private static void append(StampedLog log, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    log.append(T0, bytes, 0, bytes.length);
  }

  @Test
  void followsAcrossRotationsBetweenTwoPollsWithoutLosingALine() {
    Path file = dir.resolve("web-1.log");
    List<String> seen = new ArrayList<>();
    try (StampedLog log = new StampedLog(file, new Rotation(1024, 5));
        LogFollower follower = LogFollower.fromStart(file, "web-1")) {
      append(log, "first");
      follower.poll().forEach(l -> seen.add(l.text()));
      // About 3 KiB: the file read now rotates away three times before the next poll.
      for (int i = 0; i < 80; i++) {
        append(log, "line " + i);
      }
      follower.poll().forEach(l -> seen.add(l.text()));
      append(log, "last");
      follower.poll().forEach(l -> seen.add(l.text()));
    }
    List<String> expected = new ArrayList<>(List.of("first"));
    for (int i = 0; i < 80; i++) {
      expected.add("line " + i);
    }
    expected.add("last");
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void readsTheRotatedFilesOldestFirstThenTheCurrentOne() {
    Path file = dir.resolve("web-1.log");
    try (StampedLog log = new StampedLog(file, new Rotation(1024, 10))) {
      for (int i = 0; i < 100; i++) {
        append(log, "line " + i);
      }
    }
    try (LogFollower follower = LogFollower.fromStart(file, "web-1")) {
      List<LogLine> lines = follower.poll();
      assertThat(lines).hasSize(100);
      assertThat(lines.getFirst().text()).isEqualTo("line 0");
      assertThat(lines.getLast().text()).isEqualTo("line 99");
      assertThat(lines.getFirst().time()).isEqualTo(T0);
      assertThat(lines.getFirst().instance()).isEqualTo("web-1");
    }
  }

  @Test
  void aLineStillBeingWrittenWaitsForItsEnd() throws Exception {
    Path file = dir.resolve("web-1.log");
    java.nio.file.Files.writeString(file, LogLine.stamp(T0) + " com");
    try (LogFollower follower = LogFollower.fromStart(file, "web-1")) {
      assertThat(follower.poll()).isEmpty();
      java.nio.file.Files.writeString(file, "plete\n", java.nio.file.StandardOpenOption.APPEND);
      assertThat(follower.poll()).extracting(LogLine::text).containsExactly("complete");
    }
  }

  @Test
  void aTailForAnErrorShowsTheTextWithoutItsStamp() {
    assertThat(LogLine.unstamped(LogLine.stamp(T0) + " boom")).isEqualTo("boom");
    assertThat(LogLine.unstamped("plain line")).isEqualTo("plain line");
    assertThat(LogLine.parse("web-1", LogLine.stamp(T0) + " x"))
        .contains(new LogLine(T0, "web-1", "x"));
  }
}
