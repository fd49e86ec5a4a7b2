package dev.updraft.mesh.transport;

import dev.updraft.mesh.metrics.ConnectionStats;
import java.time.Duration;

/**
 * How the proxy connects to endpoints.
 *
 * @param transport epoll or NIO
 * @param connectTimeout TCP connect timeout
 * @param poolIdle idle HTTP/1.1 connections, and extra HTTP/2 connections without a stream, close
 *     after this (Linkerd: 3 s, shorter than typical server keep-alive, which avoids reusing a
 *     connection the server is closing)
 * @param maxIdlePerLoop idle HTTP/1.1 connections kept per endpoint and event loop
 * @param stats transport metrics for connections to endpoints ({@code peer="dst"})
 * @param mark SO_MARK for connections to endpoints, or null
 * @param tls mesh TLS towards the endpoints, or null for plaintext
 */
public record ClientSettings(
    Transport transport,
    Duration connectTimeout,
    Duration poolIdle,
    int maxIdlePerLoop,
    ConnectionStats stats,
    Integer mark,
    TlsOrigination tls) {
  /** Plaintext settings. */
  public ClientSettings(
      Transport transport,
      Duration connectTimeout,
      Duration poolIdle,
      int maxIdlePerLoop,
      ConnectionStats stats,
      Integer mark) {
    this(transport, connectTimeout, poolIdle, maxIdlePerLoop, stats, mark, null);
  }
}
