package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class SocketsTest {
  @Test
  void listensAcceptsAndDescribesLoopbackConnections() throws Exception {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (Fd listener = Sockets.listenTcp4(any, 8)) {
      InetSocketAddress bound = Sockets.localAddress(listener.value());
      assertThat(bound.getPort()).isPositive();
      assertThat(Sockets.getIntOption(listener.value(), Sockets.SOL_SOCKET, Sockets.SO_TYPE))
          .isEqualTo(Sockets.SOCK_STREAM);
      try (SocketChannel client = SocketChannel.open(bound);
          Fd accepted = Sockets.accept(listener)) {
        client.write(ByteBuffer.wrap(new byte[] {9}));
        ByteBuffer got = ByteBuffer.allocate(1);
        assertThat(accepted.read(got)).isEqualTo(1);
        assertThat(got.get(0)).isEqualTo((byte) 9);
        // No netfilter rule redirected this connection, so there is no original destination.
        assertThatThrownBy(() -> Sockets.originalDestination(accepted.value()))
            .isInstanceOfSatisfying(
                ErrnoException.class,
                e -> {
                  assertThat(e.errno()).isIn(Errno.ENOENT, Errno.ENOPROTOOPT);
                  assertThat(e.call()).isEqualTo("getsockopt(SO_ORIGINAL_DST)");
                });
      }
    }
  }

  @Test
  void rejectsNonIpv4Listeners() {
    assertThatThrownBy(
            () -> Sockets.listenTcp4(new InetSocketAddress(InetAddress.getByName("::1"), 0), 1))
        .hasMessageContaining("expected: an IPv4 address");
  }
}
