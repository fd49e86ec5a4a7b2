package dev.updraft.vmm;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A host-initiated vsock connection, Firecracker's way: connect to the device's {@code uds_path},
 * send {@code CONNECT <port>\n}, read {@code OK <host port>\n}. What follows is the guest's stream.
 */
final class VsockConnector {
  private static final int MAX_REPLY = 32;

  private VsockConnector() {}

  static SocketChannel connect(Path udsPath, int guestPort) throws IOException {
    if (guestPort < 0) {
      throw new IllegalArgumentException(
          "guestPort: " + guestPort + " (expected: 0 to " + Integer.toUnsignedString(-1) + ")");
    }
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(udsPath));
      channel.write(
          ByteBuffer.wrap(("CONNECT " + guestPort + "\n").getBytes(StandardCharsets.US_ASCII)));
      // A byte at a time, so that nothing the guest sends after the reply is consumed here.
      ByteBuffer one = ByteBuffer.allocate(1);
      StringBuilder reply = new StringBuilder();
      while (reply.length() < MAX_REPLY) {
        one.clear();
        if (channel.read(one) < 0) {
          throw new IOException(
              "vsock port " + guestPort + ": refused (nothing listens there in the guest)");
        }
        char c = (char) one.get(0);
        if (c == '\n') {
          if (!reply.toString().startsWith("OK ")) {
            throw new IOException("vsock port " + guestPort + ": unexpected reply " + reply);
          }
          return channel;
        }
        reply.append(c);
      }
      throw new IOException("vsock port " + guestPort + ": reply longer than " + MAX_REPLY);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }
}
