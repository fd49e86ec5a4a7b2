package dev.updraft.console;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a console runs.
 *
 * @param listen where it listens (port 0: any free port)
 * @param specs the environments it shows, one spec file each
 * @param vmSockets microVM API sockets to watch from the start
 * @param token the access token (required off loopback; may be null on it)
 * @param sampleInterval how often the routers' metrics are scraped
 */
public record ConsoleConfig(
    InetSocketAddress listen,
    List<Path> specs,
    List<Path> vmSockets,
    String token,
    Duration sampleInterval) {
  public ConsoleConfig {
    if (listen == null) {
      throw new IllegalArgumentException("listen: null (expected: an address)");
    }
    specs = List.copyOf(specs);
    vmSockets = List.copyOf(vmSockets);
    if (sampleInterval == null || sampleInterval.isNegative() || sampleInterval.isZero()) {
      throw new IllegalArgumentException(
          "sampleInterval: " + sampleInterval + " (expected: a positive duration)");
    }
  }
}
