package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends a line longer than the supervisor reads gets a one-line error and a closed
 * connection, and the supervisor goes on serving everyone else.
 */
class ControlSocketLimitIT {
  @TempDir Path dir;

  @Test
  @Timeout(120) // a supervisor that reads on without bound never answers
  void aHugeLineWithoutNewlineIsRefusedAndTheConnectionClosed() throws Exception {
    try (SupervisorClient client = SupervisorClient.ensure(dir)) {
      try (SocketChannel hostile = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        hostile.connect(UnixDomainSocketAddress.of(dir.resolve("supervisor.sock")));
        AtomicLong sent = new AtomicLong();
        Thread writer =
            Thread.ofVirtual()
                .start(
                    () -> {
                      byte[] chunk = new byte[64 * 1024];
                      Arrays.fill(chunk, (byte) 'x');
                      try {
                        // Twice the limit: the supervisor hangs up before it is all sent.
                        while (sent.get() < 2L * RequestLines.LIMIT) {
                          sent.addAndGet(hostile.write(ByteBuffer.wrap(chunk)));
                        }
                      } catch (IOException e) {
                        // refused: the supervisor closed the connection
                      }
                    });
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(Channels.newInputStream(hostile), StandardCharsets.UTF_8));
        String answer = in.readLine();
        assertThat(answer)
            .contains("\"ok\":false")
            .contains("request line longer than " + RequestLines.LIMIT + " bytes");
        assertThat(readToEnd(in)).as("the connection is closed after the answer").isTrue();
        writer.join(10_000);
        assertThat(sent.get()).isLessThan(2L * RequestLines.LIMIT);
      }
      assertThat(client.call(Protocol.Request.of(Protocol.Op.PING)).ok()).isTrue();
      client.shutdown(dir);
    }
  }

  /** Whether the supervisor's side ends (end of stream or reset) with nothing more said. */
  private static boolean readToEnd(BufferedReader in) {
    try {
      return in.readLine() == null;
    } catch (IOException e) {
      return true;
    }
  }
}
