package dev.updraft.mesh.proxy;

import dev.updraft.mesh.config.ConnectionTimeouts;
import dev.updraft.mesh.edge.Arrivals;
import dev.updraft.mesh.edge.BodyStallTimeout;
import dev.updraft.mesh.edge.ClientTimeouts;
import dev.updraft.mesh.edge.H2RequestGuard;
import dev.updraft.mesh.edge.Http1Codecs;
import dev.updraft.mesh.edge.RequestGuard;
import dev.updraft.mesh.http.DownstreamHandler;
import dev.updraft.mesh.http.HttpContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;

/**
 * The layers a client's HTTP traffic passes before the proxy acts on it, in order. One place builds
 * them, so tests and fuzz targets exercise exactly what a listener runs.
 */
public final class ServerPipelines {
  // Netty's default: a flush goes out at least every 256 flushes even while reads go on.
  private static final int EXPLICIT_FLUSH_AFTER_FLUSHES = 256;
  // Stateless (@Sharable): one for every stream, not one allocated and set up per request.
  private static final Http2StreamFrameToHttpObjectCodec STREAM_CODEC =
      new Http2StreamFrameToHttpObjectCodec(true);

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
        .addLast(new DownstreamHandler(http, false));
  }

  /**
   * An HTTP/2 connection: Netty's frame codec with every request check it has (RFC 9113 section
   * 8.1.1 and 8.3: required, unique and well-placed pseudo-headers, no connection-specific fields,
   * lowercase names, content-length matching the DATA frames), one child channel per stream.
   */
  public static void http2(
      ChannelPipeline pipeline, HttpContext http, ConnectionTimeouts timeouts, Duration grace) {
    pipeline
        // Responses of many streams come back from their upstreams within one turn of the event
        // loop; one flush at the end of it sends them in one write, not one write each.
        .addLast(new FlushConsolidationHandler(EXPLICIT_FLUSH_AFTER_FLUSHES, true))
        .addLast(
            Http2FrameCodecBuilder.forServer()
                .initialSettings(
                    Http2Settings.defaultSettings()
                        .maxConcurrentStreams(1000)
                        .initialWindowSize(65_535))
                .validateHeaders(true)
                .validateRequiredPseudoHeaders(true)
                .gracefulShutdownTimeoutMillis(grace.toMillis())
                .build())
        .addLast(
            new Http2MultiplexHandler(
                new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    stream.config().setAutoRead(false);
                    http2Stream(stream.pipeline(), http, timeouts);
                  }
                }));
  }

  /** One HTTP/2 stream: the request's pseudo-header values checked, then the proxy. */
  static void http2Stream(ChannelPipeline pipeline, HttpContext http, ConnectionTimeouts timeouts) {
    pipeline
        .addLast(new H2RequestGuard())
        .addLast(STREAM_CODEC)
        .addLast(new BodyStallTimeout(timeouts.requestBody()))
        .addLast(new DownstreamHandler(http, true));
  }
}
