package dev.updraft.mesh.http;

import io.netty.channel.EventLoop;

/**
 * The connections to one endpoint, as the stack uses them: an upstream for each request. {@link
 * EndpointClient} is the real one; tests give the stack a fake.
 */
public interface UpstreamClient {
  /** Receives the outcome of {@link #acquire}, on any thread. */
  interface Callback {
    void acquired(Upstream upstream);

    /**
     * No upstream: an {@link UpstreamException}, or a {@code LoadShedException} when too many
     * requests already wait for the endpoint.
     */
    void failed(RuntimeException cause);

    /** Whether the request gave up waiting: it is dropped from any queue, never answered. */
    default boolean abandoned() {
      return false;
    }
  }

  /** Gets an upstream for one request on {@code loop}, over HTTP/2 or HTTP/1.1. */
  void acquire(EventLoop loop, boolean http2, Callback callback);

  /** Closes the connections; later acquisitions fail. */
  void close();
}
