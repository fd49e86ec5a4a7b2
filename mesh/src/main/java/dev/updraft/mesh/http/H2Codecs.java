package dev.updraft.mesh.http;

import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * HTTP/2 connections whose send window is shared by their streams in turn ({@code
 * UniformStreamByteDistributor}) rather than by the RFC 7540 priority tree ({@code
 * WeightedFairQueueByteDistributor}, Netty's default). RFC 9113 section 5.3 deprecates that
 * priority scheme and the proxy never forwarded it; keeping the tree cost every stream a node, a
 * list and events to insert it under the connection, and a priority-queue entry kept after it
 * closed (docs/mesh/performance.md, "HTTP/2 without the priority tree"). Client-facing connections
 * use it through {@link H2Downstream}, connections to backends through the frame codec built here.
 */
public final class H2Codecs {
  private H2Codecs() {}

  /** A frame codec builder for a connection to a backend. */
  public static Http2FrameCodecBuilder forClient() {
    return new Builder(false);
  }

  static Http2Connection newConnection(boolean server) {
    DefaultHttp2Connection connection = new DefaultHttp2Connection(server);
    connection
        .remote()
        .flowController(
            new DefaultHttp2RemoteFlowController(
                connection, new UniformStreamByteDistributor(connection)));
    return connection;
  }

  // The builder takes a prepared connection only through its protected setter.
  private static final class Builder extends Http2FrameCodecBuilder {
    private final boolean server;

    private Builder(boolean server) {
      this.server = server;
      connection(newConnection(server));
      // As Netty's forServer()/forClient(): no graceful-shutdown wait unless asked for.
      gracefulShutdownTimeoutMillis(0);
    }

    @Override
    public boolean isServer() {
      return server;
    }
  }
}
