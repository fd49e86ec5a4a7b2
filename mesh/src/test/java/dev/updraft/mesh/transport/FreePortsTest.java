package dev.updraft.mesh.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void aHandedOutPortLiesOutsideTheRangeOutgoingConnectionsTakeTheirsFrom() {
    int[] ephemeral = FreePorts.ephemeralRange();
    for (int i = 0; i < 50; i++) {
      int port = FreePorts.any();
      assertThat(port).isBetween(1, 65_535);
      assertThat(port >= ephemeral[0] && port <= ephemeral[1])
          .as("port %d in the ephemeral range %d-%d", port, ephemeral[0], ephemeral[1])
          .isFalse();
    }
  }

  @Test
  void aPortSomeoneListensOnIsNotFreeWhicheverAddressTheyHold() throws Exception {
    int port = FreePorts.any();
    assertThat(FreePorts.free(port)).isTrue();
    try (ServerSocket loopback = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(FreePorts.free(loopback.getLocalPort())).isFalse();
    }
    try (ServerSocket wildcard = new ServerSocket(port)) {
      assertThat(FreePorts.free(wildcard.getLocalPort())).isFalse();
    }
    assertThat(FreePorts.free(port)).isTrue();
  }
}
