package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SerialLogTest {
  @Test
  void splitsLinesAcrossReadsAndKeepsAPartialLastLine() throws IOException {
    PipedOutputStream out = new PipedOutputStream();
    SerialLog log = SerialLog.follow(new PipedInputStream(out), "serial-test");

    out.write("ti".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    out.write("ck 1\r\ntick 2\r\nta".getBytes(StandardCharsets.US_ASCII));
    out.flush();

    assertThat(log.awaitLine("tick 2", Duration.ofSeconds(5))).isPresent();
    out.close();
    assertThat(log.awaitLine("ta", Duration.ofSeconds(5))).isPresent();
    assertThat(log.lines())
        .extracting(SerialLog.Line::text)
        .containsExactly("tick 1", "tick 2", "ta");
    assertThat(log.lines().get(0).nanos()).isLessThanOrEqualTo(log.lines().get(1).nanos());
    assertThat(log.text()).isEqualTo("tick 1\r\ntick 2\r\nta");
  }

  @Test
  void awaitGivesUpAtTheTimeoutOrWhenTheStreamEnds() {
    SerialLog log =
        SerialLog.follow(
            new ByteArrayInputStream("ok a\ndone\n".getBytes(StandardCharsets.US_ASCII)), "t");

    assertThat(log.awaitLine("never", Duration.ofSeconds(5))).isEmpty();
    assertThat(log.report().requirePassed("a").done()).isTrue();
  }
}
