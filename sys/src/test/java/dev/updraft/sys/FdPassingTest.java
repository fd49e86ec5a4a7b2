package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdPassingTest {
  @TempDir Path dir;

  @Test
  void aDescriptorSentWithAMessageArrivesAsTheSameFile() throws Exception {
    Path path = dir.resolve("handover.sock");
    try (Fd listener = UnixSockets.listen(path, 1, UnixSockets.Mode.BLOCKING);
        Pipe pipe = Pipe.create(0)) {
      CompletableFuture<FdPassing.Received> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (Fd connection = Sockets.accept(listener)) {
                  return FdPassing.receiveWithFd(connection, 1024);
                }
              });
      try (Fd client = UnixSockets.connect(path, UnixSockets.Mode.BLOCKING)) {
        FdPassing.sendWithFd(
            client, "[{\"size\":4096}]".getBytes(StandardCharsets.UTF_8), pipe.writer());
      }
      FdPassing.Received message = received.get(10, TimeUnit.SECONDS);
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
    try (Fd listener = UnixSockets.listen(path, 1, UnixSockets.Mode.BLOCKING)) {
      UnixSockets.connect(path, UnixSockets.Mode.BLOCKING).close();
      try (Fd connection = Sockets.accept(listener)) {
        FdPassing.Received message = FdPassing.receiveWithFd(connection, 16);
        assertThat(message.data()).isEmpty();
        assertThat(message.fd()).isNull();
      }
    }
  }
}
