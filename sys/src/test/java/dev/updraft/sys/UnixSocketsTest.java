package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketsTest {
  @TempDir Path dir;

  @Test
  void listensAndAcceptsWithoutBlocking() throws Exception {
    Path path = dir.resolve("v.sock");
    try (Fd listener = UnixSockets.listen(path, 4, UnixSockets.Mode.NON_BLOCKING)) {
      assertThat(UnixSockets.accept(listener)).as("nobody connected yet").isNull();
      SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
      try (Fd accepted = UnixSockets.accept(listener)) {
        ByteBuffer in = ByteBuffer.allocateDirect(16);
        assertThat(UnixSockets.recv(accepted, in)).isEqualTo(UnixSockets.WOULD_BLOCK);
        client.write(ByteBuffer.wrap("CONNECT 52\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(UnixSockets.recv(accepted, in)).isEqualTo(11);
        assertThat(UnixSockets.send(accepted, ByteBuffer.wrap("OK 1\n".getBytes()))).isEqualTo(5);
        ByteBuffer reply = ByteBuffer.allocate(5);
        client.read(reply);
        assertThat(new String(reply.array(), StandardCharsets.US_ASCII)).isEqualTo("OK 1\n");
        client.close();
        assertThat(UnixSockets.recv(accepted, in.clear())).as("end of stream").isZero();
      }
    }
  }

  @Test
  void connectsAndHalfCloses() throws Exception {
    Path path = dir.resolve("v.sock_52");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      try (Fd client = UnixSockets.connect(path, UnixSockets.Mode.NON_BLOCKING);
          SocketChannel accepted = server.accept()) {
        UnixSockets.send(client, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        UnixSockets.shutdownOutput(client);
        ByteBuffer got = ByteBuffer.allocate(8);
        while (accepted.read(got) >= 0) {
          // until end of stream
        }
        assertThat(got.position()).isEqualTo(3);
      }
    }
  }

  @Test
  void aWriteToAClosedPeerIsAnErrorNotASignal() throws Exception {
    Path path = dir.resolve("gone.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      try (Fd client = UnixSockets.connect(path, UnixSockets.Mode.BLOCKING)) {
        server.accept().close();
        assertThatThrownBy(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    UnixSockets.send(client, ByteBuffer.allocate(4096));
                  }
                })
            .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isIn(32, 104));
      }
    }
  }

  @Test
  void refusesPathsThatExistOrNobodyListensOn() throws Exception {
    Path path = dir.resolve("taken.sock");
    try (Fd first = UnixSockets.listen(path, 1, UnixSockets.Mode.NON_BLOCKING)) {
      assertThat(first.isOpen()).isTrue();
      assertThatThrownBy(() -> UnixSockets.listen(path, 1, UnixSockets.Mode.NON_BLOCKING))
          .isInstanceOfSatisfying(
              ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EADDRINUSE"));
    }
    assertThatThrownBy(
            () -> UnixSockets.connect(dir.resolve("nobody.sock"), UnixSockets.Mode.NON_BLOCKING))
        .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(2));
    assertThatThrownBy(
            () ->
                UnixSockets.listen(dir.resolve("x".repeat(200)), 1, UnixSockets.Mode.NON_BLOCKING))
        .hasMessageContaining("expected: 1 to 107");
    assertThatThrownBy(
            () -> UnixSockets.connect(dir.resolve("x".repeat(120)), UnixSockets.Mode.BLOCKING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: 1 to 107");
  }
}
