package dev.updraft.mesh.proxy;

import dev.updraft.mesh.config.ConnectionTimeouts;
import dev.updraft.mesh.edge.Arrivals;
import dev.updraft.mesh.edge.BodyStallTimeout;
import dev.updraft.mesh.edge.ClientTimeouts;
import dev.updraft.mesh.edge.Http1Codecs;
import dev.updraft.mesh.edge.RequestGuard;
import dev.updraft.mesh.http.DownstreamHandler;
import dev.updraft.mesh.http.H2Downstream;
import dev.updraft.mesh.http.HttpContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2Settings;
import java.time.Duration;

/**
 * The layers a client's HTTP traffic passes before the proxy acts on it, in order. One place builds
 * them, so tests and fuzz targets exercise exactly what a listener runs.
 */
public final class ServerPipelines {
  private ServerPipelines() {}

  /** An HTTP/1.x connection: strict decoding, request rules, client timeouts, then the proxy. */
  public static void http1(
      ChannelPipeline pipeline, HttpContext http, ConnectionTimeouts timeouts) {
    pipeline
        .addLast("arrivals", Arrivals.INSTANCE)
        .addLast("http1", Http1Codecs.server())
        .addLast("request-guard", new RequestGuard())
        .addLast(
            "client-timeouts", new ClientTimeouts(timeouts.requestHead(), timeouts.keepAlive()))
        .addLast("body-stall", new BodyStallTimeout(timeouts.requestBody()))
        .addLast(new HttpServerKeepAliveHandler())
        .addLast(new HttpServerExpectContinueHandler())
        .addLast(new DownstreamHandler(http));
  }

  /**
   * An HTTP/2 connection: Netty's connection handler with every request check it has (RFC 9113
   * section 8.1.1 and 8.3: required, unique and well-placed pseudo-headers, no connection-specific
   * fields, lowercase names, content-length matching the DATA frames), handling all its streams.
   */
  public static void http2(
      ChannelPipeline pipeline, HttpContext http, ConnectionTimeouts timeouts, Duration grace) {
    H2Downstream handler =
        H2Downstream.create(
            http,
            timeouts.requestBody(),
            Http2Settings.defaultSettings().maxConcurrentStreams(1000).initialWindowSize(65_535),
            grace);
    // It flushes the responses of its streams once per turn of the event loop (flushSoon).
    pipeline.addLast(handler);
  }
}
