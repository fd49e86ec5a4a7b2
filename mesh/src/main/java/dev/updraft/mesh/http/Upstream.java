package dev.updraft.mesh.http;

import io.netty.channel.Channel;

/**
 * One request's path to an endpoint: a pooled HTTP/1.1 connection or a stream on a shared HTTP/2
 * connection. The exchange that holds it is its only user until {@link #release}.
 */
public interface Upstream {
  Channel channel();

  /** Whether this connection served earlier requests (a stale keep-alive race is possible). */
  boolean reused();

  boolean http2();

  /**
   * Whether the endpoint said it did not process the request, after the upstream failed with {@code
   * cause} (or null) before any response: HTTP/2 REFUSED_STREAM or GOAWAY. Such a request is safe
   * to send again on another connection, whatever its method.
   */
  boolean refused(Throwable cause);

  /** Routes this upstream's events to {@code exchange}. */
  void bind(UpstreamListener listener);

  /**
   * Gives the upstream back: an HTTP/1.1 connection returns to its pool when {@code reusable}, else
   * closes; an HTTP/2 stream that has not ended is reset.
   */
  void release(boolean reusable);
}
