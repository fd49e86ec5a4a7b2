package dev.updraft.vmm.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.metrics.Counters;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Log and metrics destinations on real files and FIFOs. */
class FileSinkIT {
  @TempDir Path dir;

  private Path fifo(String name) throws Exception {
    Path path = dir.resolve(name);
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();
    return path;
  }

  @Test
  void aFileIsCreatedAndAppendedTo() throws Exception {
    Path file = dir.resolve("log");
    Files.writeString(file, "earlier\n");
    try (FileSink sink = FileSink.open("log_path", file)) {
      assertThat(sink.write("one\n".getBytes(StandardCharsets.UTF_8))).isTrue();
    }
    try (FileSink sink = FileSink.open("log_path", dir.resolve("new.log"))) {
      assertThat(sink.write("two\n".getBytes(StandardCharsets.UTF_8))).isTrue();
    }
    assertThat(Files.readString(file)).isEqualTo("earlier\none\n");
    assertThat(Files.readString(dir.resolve("new.log"))).isEqualTo("two\n");
  }

  @Test
  void anUnopenablePathIsAConfigurationError() {
    assertThatThrownBy(() -> FileSink.open("log_path", dir.resolve("missing/dir/log")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("log_path: " + dir.resolve("missing/dir/log"))
        .hasMessageContaining("ENOENT");
    assertThatThrownBy(() -> FileSink.open("metrics_path", dir)).hasMessageContaining("EISDIR");
  }

  @Test
  @Timeout(30)
  void aFifoWithoutReaderNeverBlocksAndDropsWhatDoesNotFit() throws Exception {
    Path fifo = fifo("log.fifo");
    Counters metrics = new Counters("logger");
    Logger logger = new Logger("vm-1", new StreamSink(System.out), metrics);
    logger.apply(new LoggerConfig(fifo, null, null, null, null));
    // A pipe holds 64 KiB by default: far fewer lines than this fit.
    String message = "x".repeat(1000);
    for (int i = 0; i < 500; i++) {
      logger.info(message);
    }
    long lost = metrics.snapshot().get("missed_log_count");
    assertThat(lost).isBetween(300L, 499L);

    // A reader that comes later gets whole lines only; once the logger closes, it sees the end.
    try (InputStream in = Files.newInputStream(fifo)) {
      logger.close();
      String read = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(read).endsWith("\n");
      assertThat(read.lines()).allSatisfy(line -> assertThat(line).endsWith("] " + message));
      assertThat(read.lines().count()).isEqualTo(500 - lost);
    }
  }

  @Test
  @Timeout(30)
  void aLineThePipeTookOnlyPartOfIsCompletedBeforeTheNextOne() throws Exception {
    Path fifo = fifo("metrics.fifo");
    byte[] line = ("y".repeat(9_999) + "\n").getBytes(StandardCharsets.UTF_8);
    FileSink sink = FileSink.open("metrics_path", fifo);
    try (InputStream in = Files.newInputStream(fifo)) {
      int taken = 0;
      for (int i = 0; i < 20; i++) {
        taken += sink.write(line) ? 1 : 0;
      }
      // 64 KiB hold six lines and part of a seventh, whose tail the sink keeps.
      assertThat(taken).isBetween(6, 7);
      // One read takes what the pipe holds without waiting for more.
      byte[] buffer = new byte[128 * 1024];
      int drainedBytes = in.read(buffer);
      assertThat(sink.write(line)).isTrue();
      sink.close();
      String read =
          new String(buffer, 0, drainedBytes, StandardCharsets.UTF_8)
              + new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(read).endsWith("\n");
      assertThat(read.lines()).hasSize(taken + 1);
      assertThat(read.lines()).allSatisfy(l -> assertThat(l).hasSize(9_999));
    } finally {
      sink.close();
    }
  }
}
