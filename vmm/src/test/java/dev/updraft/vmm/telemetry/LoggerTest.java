package dev.updraft.vmm.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.config.LogLevel;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.metrics.Counters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoggerTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2018-11-07T05:34:25.180751152Z"), ZoneOffset.UTC);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Counters metrics = new Counters("logger");
  private final Logger logger = new Logger("vm-1", new StreamSink(out), metrics, CLOCK);

  private String lines() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void linesHaveFirecrackersFormat() {
    logger.info("Running Firecracker v1.17.0-dev");
    assertThat(lines())
        .isEqualTo(
            "2018-11-07T05:34:25.180751152 ["
                + "vm-1:"
                + Thread.currentThread().getName()
                + "] Running Firecracker v1.17.0-dev\n");
  }

  @Test
  void timestampsArePaddedToNanoseconds() {
    StringBuilder text = new StringBuilder();
    LogLine.timestamp(text, LocalDateTime.of(7, 1, 2, 3, 4, 5, 60));
    assertThat(text).hasToString("0007-01-02T03:04:05.000000060");
  }

  @Test
  void theDefaultLevelIsInfo() {
    logger.debug("hidden");
    logger.info("shown");
    logger.warn("shown too");
    assertThat(lines()).doesNotContain("hidden").contains("] shown\n").contains("] shown too\n");
  }

  @Test
  void levelAndOriginAppearWhenAsked() {
    logger.apply(new LoggerConfig(null, LogLevel.DEBUG, true, true, null));
    logger.debug("with origin");
    String line = lines();
    assertThat(line).contains(":DEBUG:dev/updraft/vmm/telemetry/LoggerTest.java:");
    assertThat(line).matches("(?s).*LoggerTest\\.java:\\d+\\] with origin\n");
    out.reset();
    logger.warn("warning");
    assertThat(lines()).contains(":WARN:");
  }

  @Test
  void eachSettingChangesOnlyWhenGiven() {
    logger.apply(new LoggerConfig(null, LogLevel.ERROR, true, null, null));
    logger.apply(new LoggerConfig(null, null, null, null, null));
    logger.warn("filtered");
    logger.error("kept");
    assertThat(lines()).doesNotContain("filtered").contains(":ERROR] kept");
    assertThat(logger.config())
        .isEqualTo(new LoggerConfig(null, LogLevel.ERROR, true, false, null));
  }

  @Test
  void enabledTellsWhetherALevelWouldBeWritten() {
    assertThat(logger.enabled(LogLevel.INFO)).isTrue();
    assertThat(logger.enabled(LogLevel.DEBUG)).isFalse();
    logger.apply(new LoggerConfig(null, LogLevel.TRACE, null, null, null));
    assertThat(logger.enabled(LogLevel.TRACE)).isTrue();
  }

  @Test
  void offWritesNothingAndTraceEverything() {
    logger.apply(new LoggerConfig(null, LogLevel.OFF, null, null, null));
    logger.error("nothing");
    assertThat(lines()).isEmpty();
    logger.apply(new LoggerConfig(null, LogLevel.TRACE, null, null, null));
    logger.trace("everything");
    assertThat(lines()).contains("everything");
  }

  @Test
  void theModuleFilterMatchesTheCallersClassName() {
    logger.apply(new LoggerConfig(null, null, null, null, "dev.updraft.vmm.api"));
    logger.info("from a test class");
    assertThat(lines()).isEmpty();
    logger.apply(new LoggerConfig(null, null, null, null, "dev.updraft.vmm.telemetry"));
    logger.info("from telemetry");
    assertThat(lines()).contains("from telemetry");
  }

  @Test
  void lineBreaksInMessagesCannotForgeLines() {
    logger.info("one\n2018-01-01T00:00:00.000000000 [fake:main] two\r\u0007");
    assertThat(lines().lines()).hasSize(1);
    assertThat(lines()).contains("one\\n2018").endsWith("two\\r\\x07\n");
  }

  @Test
  void linesTheDestinationRefusesAreCounted() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("broken pipe");
          }
        };
    Logger failing = new Logger("vm-1", new StreamSink(broken), metrics, CLOCK);
    failing.info("lost");
    failing.info("lost again");
    failing.debug("filtered, so not lost");
    assertThat(metrics.snapshot()).containsEntry("missed_log_count", 2L);
  }
}
