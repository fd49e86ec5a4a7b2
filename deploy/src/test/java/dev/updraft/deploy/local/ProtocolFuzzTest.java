package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Arbitrary lines of the supervisor's control protocol, as requests (what the supervisor reads) and
 * as responses (what the engine reads): either a message comes out that writes back to a line which
 * reads as the same message, or an {@link IOException} with a one-line message, never another
 * exception.
 */
class ProtocolFuzzTest {
  /** {@link ProtocolJson}'s readers, which declare an IOException. */
  @FunctionalInterface
  private interface Reader<T> {
    T read(String line) throws IOException;
  }

  @FuzzTest(maxDuration = "5s")
  void line(byte[] data) throws IOException {
    String line = new String(data, StandardCharsets.UTF_8);
    roundTrip(line, ProtocolJson::readRequest, ProtocolJson::write);
    roundTrip(line, ProtocolJson::readResponse, ProtocolJson::write);
  }

  private static <T> void roundTrip(String line, Reader<T> reader, Function<T, String> writer)
      throws IOException {
    T message;
    try {
      message = reader.read(line);
    } catch (IOException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").doesNotContain("\r");
      return;
    }
    String written = writer.apply(message);
    assertThat(written).doesNotContain("\n");
    assertThat(reader.read(written)).isEqualTo(message);
  }
}
