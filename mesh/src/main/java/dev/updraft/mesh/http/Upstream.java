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

  /** Routes this upstream's events to {@code exchange}. */
  void bind(UpstreamListener listener);

  /**
   * Gives the upstream back: an HTTP/1.1 connection returns to its pool when {@code reusable}, else
   * closes; an HTTP/2 stream that has not ended is reset.
   */
  void release(boolean reusable);
}
