package dev.updraft.mesh.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A host (name or IP literal) and a TCP port, written {@code host:port} or {@code [v6]:port}.
 *
 * @param host a DNS name or an IP literal without brackets
 * @param port 0..65535 (0 only for listeners: any free port)
 */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new MeshConfigException("host: empty (expected: a DNS name or an IP address)");
    }
    if (port < 0 || port > 65535) {
      throw new MeshConfigException("port: " + port + " (expected: 0..65535)");
    }
  }

  /** Parses {@code host:port}, {@code [::1]:port} or {@code :port} (all addresses). */
  public static HostPort parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new MeshConfigException(field + ": empty (expected: host:port)");
    }
    String value = text.trim();
    int colon = value.lastIndexOf(':');
    if (colon < 0 || colon == value.length() - 1) {
      throw new MeshConfigException(field + ": \"" + text + "\" (expected: host:port)");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new MeshConfigException(
          field + ": \"" + text + "\" (expected: IPv6 addresses in brackets, e.g. [::1]:4140)");
    }
    if (host.isEmpty()) {
      host = "0.0.0.0";
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new MeshConfigException(field + ": \"" + text + "\" (expected: a numeric port)");
    }
    if (port < 0 || port > 65535) {
      throw new MeshConfigException(field + ": \"" + text + "\" (expected: port 0..65535)");
    }
    return new HostPort(host, port);
  }

  /** An address for binding or connecting; resolves the name now. */
  public InetSocketAddress resolve() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
