package dev.updraft.mesh.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports handed out to listeners that bind later: routers, instances, sidecars. A port the kernel
 * picks with {@code bind(0)} comes from its ephemeral range, which is also where every outgoing
 * connection takes its local port from; between choosing such a port and listening on it, a
 * connection to a database or an instance can take it, and the listen fails with "address in use".
 * Ports below (or above) the ephemeral range are never given to outgoing connections, so a port
 * chosen there stays free unless another listener takes it on purpose.
 */
public final class FreePorts {
  private static final int LOWEST = 10_000;
  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int ATTEMPTS = 200;

  private FreePorts() {}

  /** A port no socket on any address holds now, outside the kernel's ephemeral range. */
  public static int any() {
    int[] ephemeral = ephemeralRange();
    int below = Math.max(0, ephemeral[0] - LOWEST);
    int above = Math.max(0, 65_535 - ephemeral[1]);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < ATTEMPTS && below + above > 0; attempt++) {
      int pick = random.nextInt(below + above);
      int port = pick < below ? LOWEST + pick : ephemeral[1] + 1 + (pick - below);
      if (free(port)) {
        return port;
      }
    }
    // Every port outside the range is taken (or there is none): let the kernel choose.
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on this machine", e);
    }
  }

  /** Free on the wildcard address and on loopback: listeners use either. */
  static boolean free(int port) {
    return bindable(new InetSocketAddress(port))
        && bindable(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  private static boolean bindable(InetSocketAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(address, 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The kernel's ephemeral range, or Linux's default when it cannot be read. */
  static int[] ephemeralRange() {
    try {
      String[] parts = Files.readString(RANGE).strip().split("\\s+");
      int low = Integer.parseInt(parts[0]);
      int high = Integer.parseInt(parts[1]);
      if (low >= 1 && low <= high && high <= 65_535) {
        return new int[] {low, high};
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unreadable range: the default below is Linux's
    }
    return new int[] {32_768, 60_999};
  }
}
