package dev.updraft.mesh.conformance;

import java.time.Duration;

/**
 * A proxy with one listener per case, each in front of that case's own recording backend, so cases
 * run at the same time without sharing connections.
 */
interface ProxyUnderTest extends AutoCloseable {
  /**
   * The request-head timeout every proxy gets: updraft's default (issue #10: 408 after 10 s), set
   * on HAProxy as {@code timeout http-request} and on nginx as {@code client_header_timeout}.
   */
  Duration HEAD_TIMEOUT = Duration.ofSeconds(10);

  /** What one case needs from the proxy: an HTTP/2 listener or not, and where its backend is. */
  record Slot(int index, boolean http2, int backendPort) {}

  String name();

  /** The port that case {@code index} connects to. */
  int port(int index);

  @Override
  void close();
}
