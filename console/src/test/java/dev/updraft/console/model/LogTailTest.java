package dev.updraft.console.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.logs.Rotation;
import dev.updraft.deploy.logs.StampedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
  @TempDir Path dir;

  @Test
  void theLastMatchingLinesAreShownWithSecretsMaskedAndAPartLineWaits() throws Exception {
    Path log = dir.resolve("web.log");
    Files.writeString(log, "start\nGET /a token=s3cret-value\nGET /b\nerror: boom\nhalf");
    Redactor redactor = new Redactor();
    redactor.add("s3cret-value");

    LogTail.Page all = new LogTail(log, redactor, "").last(2);
    assertThat(all.lines()).containsExactly("GET /b", "error: boom");
    assertThat(all.end()).isEqualTo(Files.size(log) - "half".length());

    assertThat(new LogTail(log, redactor, "get").last(10).lines())
        .containsExactly("GET /a token=******", "GET /b");
    // A search for the secret finds nothing: it is matched against what is shown.
    assertThat(new LogTail(log, redactor, "s3cret").last(10).lines()).isEmpty();
    assertThat(new LogTail(dir.resolve("none.log"), redactor, "").last(10).lines()).isEmpty();
  }

  @Test
  void followingHandsOverEachNewLineOnceItEnds() throws Exception {
    Path log = dir.resolve("web.log");
    Files.writeString(log, "old\n");
    LogTail tail = new LogTail(log, new Redactor(), "new");
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    long from = tail.last(0).end();
    Thread follower =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    tail.follow(from, 10, seen::add, stop::get);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    Files.writeString(log, "new one\nskip\nnew tw", StandardOpenOption.APPEND);
    Files.writeString(log, "o\n", StandardOpenOption.APPEND);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (seen.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    stop.set(true);
    follower.join();
    assertThat(seen).containsExactly("new one", "new two");
  }

  @Test
  void showsTheStoredLinesWithoutTheirStampsAcrossRotatedFiles() {
    Path log = dir.resolve("web-0123456789ab-1.log");
    try (StampedLog stored = new StampedLog(log, new Rotation(1024, 3))) {
      for (int i = 0; i < 30; i++) {
        byte[] line = ("GET /" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        stored.append(java.time.Instant.parse("2026-12-07T10:00:00Z"), line, 0, line.length);
      }
    }
    assertThat(StampedLog.generation(log, 1)).exists();
    assertThat(new LogTail(log, new Redactor(), "").last(30).lines())
        .hasSize(30)
        .startsWith("GET /0")
        .endsWith("GET /29");
  }

  @Test
  void aCharacterSplitAcrossTwoReadsArrivesWhole() throws Exception {
    Path log = dir.resolve("utf8.log");
    Files.writeString(log, "");
    byte[] line = "grüße\n".getBytes(StandardCharsets.UTF_8);
    int cut = 3; // between the two bytes of ü
    Deque<byte[]> chunks =
        new ArrayDeque<>(
            List.of(Arrays.copyOfRange(line, 0, cut), Arrays.copyOfRange(line, cut, line.length)));
    List<String> seen = new ArrayList<>();
    // The stop check runs before each read: appending one chunk there makes each read see one.
    new LogTail(log, new Redactor(), "")
        .follow(
            0,
            1,
            seen::add,
            () -> {
              if (chunks.isEmpty()) {
                return true;
              }
              try {
                Files.write(log, chunks.poll(), StandardOpenOption.APPEND);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return false;
            });
    assertThat(seen).containsExactly("grüße");
  }
}
