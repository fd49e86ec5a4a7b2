package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketsTest {
  @TempDir Path dir;

  @Test
  void aDescriptorSentWithAMessageArrivesAsTheSameFile() throws Exception {
    Path path = dir.resolve("handover.sock");
    try (Fd listener = UnixSockets.listen(path, 1);
        Pipe pipe = Pipe.create(0)) {
      CompletableFuture<UnixSockets.Received> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (Fd connection = Sockets.accept(listener)) {
                  return UnixSockets.receiveWithFd(connection, 1024);
                }
              });
      try (Fd client = UnixSockets.connect(path)) {
        UnixSockets.sendWithFd(
            client, "[{\"size\":4096}]".getBytes(StandardCharsets.UTF_8), pipe.writer());
      }
      UnixSockets.Received message = received.get(10, TimeUnit.SECONDS);
      assertThat(new String(message.data(), StandardCharsets.UTF_8)).isEqualTo("[{\"size\":4096}]");
      assertThat(message.fd()).isNotNull();
      try (Fd writer = message.fd()) {
        assertThat(writer.value()).isNotEqualTo(pipe.writer().value());
        writer.write(ByteBuffer.wrap(new byte[] {42}));
      }
      ByteBuffer got = ByteBuffer.allocate(1);
      assertThat(pipe.reader().read(got)).isEqualTo(1);
      assertThat(got.get(0)).isEqualTo((byte) 42);
    }
  }

  @Test
  void aClosedPeerReadsAsAnEmptyMessageWithoutDescriptor() throws Exception {
    Path path = dir.resolve("closed.sock");
    try (Fd listener = UnixSockets.listen(path, 1)) {
      UnixSockets.connect(path).close();
      try (Fd connection = Sockets.accept(listener)) {
        UnixSockets.Received message = UnixSockets.receiveWithFd(connection, 16);
        assertThat(message.data()).isEmpty();
        assertThat(message.fd()).isNull();
      }
    }
  }

  @Test
  void refusesPathsTheKernelCannotHold() {
    Path tooLong = dir.resolve("x".repeat(120));
    assertThatThrownBy(() -> UnixSockets.connect(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: 1 to 107 bytes");
    assertThatThrownBy(() -> UnixSockets.connect(dir.resolve("nobody.sock")))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
  }
}
