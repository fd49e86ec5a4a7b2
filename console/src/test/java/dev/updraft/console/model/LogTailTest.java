package dev.updraft.console.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Redactor;
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
