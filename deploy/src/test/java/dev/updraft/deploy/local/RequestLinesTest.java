package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Lines of the control socket: whole lines as readLine gives them, and none past the limit. */
class RequestLinesTest {
  @Test
  void readsLinesAsTheyCome() throws Exception {
    RequestLines lines = new RequestLines(stream("{\"op\":\"ping\"}\n\n{\"op\":\"status\"}"), 64);
    assertThat(lines.next()).isEqualTo("{\"op\":\"ping\"}");
    assertThat(lines.next()).isEmpty();
    assertThat(lines.next()).isEqualTo("{\"op\":\"status\"}");
    assertThat(lines.next()).isNull();
  }

  @Test
  void aLineOfExactlyTheLimitIsRead() throws Exception {
    RequestLines lines = new RequestLines(stream("abcd\nabcde\n"), 4);
    assertThat(lines.next()).isEqualTo("abcd");
    assertThatThrownBy(lines::next)
        .isInstanceOf(RequestLines.TooLongException.class)
        .hasMessage("request line longer than 4 bytes (expected: one JSON request per line)");
  }

  @Test
  void anEndlessLineStopsAtTheLimitWithoutReadingOnForever() {
    Endless endless = new Endless();
    RequestLines lines = new RequestLines(endless, 100_000);
    assertThatThrownBy(lines::next).isInstanceOf(RequestLines.TooLongException.class);
    // At most one buffer past the limit was taken from the client.
    assertThat(endless.read).isBetween(100_000L, 100_000L + 8192);
  }

  @Test
  void linesAcrossManyReadsKeepTheirUtf8() throws Exception {
    String text = "é".repeat(10_000);
    RequestLines lines = new RequestLines(stream(text + "\n"), 20_000);
    assertThat(lines.next()).isEqualTo(text);
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A client that sends {@code x} and never a newline. */
  private static final class Endless extends InputStream {
    long read;

    @Override
    public int read() {
      read++;
      return 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Arrays.fill(b, off, off + len, (byte) 'x');
      read += len;
      return len;
    }
  }
}
