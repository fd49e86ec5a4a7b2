package dev.updraft.mesh.config;

import java.time.Duration;

/**
 * How long connections may wait, on both sides of the proxy. The defaults follow HAProxy and
 * Linkerd; see docs/mesh/proxy.md for each source.
 *
 * @param requestHead from a request head's first byte to its end (10 s: HAProxy's {@code timeout
 *     http-request}); a client too slow gets 408 and the connection closes
 * @param keepAlive how long a client connection with no request in flight stays open (30 s: the
 *     header-read timeout with which Linkerd's HTTP server closes idle keep-alive connections)
 * @param requestBody how long a request body may send nothing while the proxy waits for it (30 s:
 *     HAProxy's {@code timeout client} in its documented configuration)
 * @param upstreamIdle how long an idle pooled HTTP/1.1 connection to an endpoint is kept (3 s:
 *     Linkerd's pool idle timeout, shorter than servers' keep-alive, so the proxy does not reuse a
 *     connection the server is closing)
 */
public record ConnectionTimeouts(
    Duration requestHead, Duration keepAlive, Duration requestBody, Duration upstreamIdle) {
  public static final ConnectionTimeouts DEFAULT = new ConnectionTimeouts(null, null, null, null);

  public ConnectionTimeouts {
    requestHead = positive("requestHead", requestHead, Duration.ofSeconds(10));
    keepAlive = positive("keepAlive", keepAlive, Duration.ofSeconds(30));
    requestBody = positive("requestBody", requestBody, Duration.ofSeconds(30));
    upstreamIdle = positive("upstreamIdle", upstreamIdle, Duration.ofSeconds(3));
  }

  private static Duration positive(String field, Duration value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      throw new MeshConfigException(
          "connectionTimeouts." + field + ": " + Durations.format(value) + " (expected: > 0)");
    }
    return value;
  }
}
