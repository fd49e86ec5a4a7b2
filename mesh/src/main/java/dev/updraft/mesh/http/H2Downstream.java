package dev.updraft.mesh.http;

import dev.updraft.mesh.transport.ConnectionMetricsHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.time.Duration;

/**
 * The client side of HTTP proxying for one HTTP/2 connection: Netty's connection handler (framing,
 * HPACK, flow control, the request checks of RFC 9113 section 8.1.1 and 8.3) with this class as its
 * frame listener, and one {@link H2Stream} per request stream in a map by stream id. Frames arrive
 * as method calls and responses go straight to the encoder: no {@code Http2Frame} object, no
 * frame-stream object or stream event through the pipeline per request, as {@code Http2FrameCodec}
 * made (docs/mesh/performance.md, "HTTP/2 without the frame codec").
 */
public final class H2Downstream extends Http2ConnectionHandler implements Http2FrameListener {
  private final HttpContext context;
  private final Duration bodyStall;
  private final IntObjectMap<H2Stream> streams = new IntObjectHashMap<>();
  private ChannelHandlerContext ctx;
  // Writes whose failure needs no answer: a stream that is gone says so by its close.
  private ChannelPromise promise;
  // Within a read of this connection: the connection handler flushes when the read completes.
  private boolean reading;
  private boolean flushScheduled;
  private final Runnable flushTask =
      () -> {
        flushScheduled = false;
        flush(ctx);
      };

  private H2Downstream(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      Http2Settings settings,
      HttpContext context,
      Duration bodyStall) {
    super(decoder, encoder, settings);
    this.context = context;
    this.bodyStall = bodyStall;
    decoder.frameListener(this);
    connection()
        .addListener(
            new Http2ConnectionAdapter() {
              @Override
              public void onStreamClosed(Http2Stream stream) {
                H2Stream gone = streams.remove(stream.id());
                if (gone != null) {
                  gone.closed("the client reset the stream");
                }
              }
            });
    connection()
        .remote()
        .flowController()
        .listener(
            stream -> {
              H2Stream h2 = streams.get(stream.id());
              if (h2 != null) {
                h2.writabilityChanged();
              }
            });
  }

  /**
   * The handler of a client-facing connection.
   *
   * @param settings the SETTINGS the proxy sends
   * @param bodyStall how long a request body may send nothing while the proxy waits for it
   * @param grace how long a closing connection waits for its streams after GOAWAY
   */
  public static H2Downstream create(
      HttpContext context, Duration bodyStall, Http2Settings settings, Duration grace) {
    return new Builder(context, bodyStall, settings, grace).build();
  }

  HttpContext context() {
    return context;
  }

  Duration bodyStall() {
    return bodyStall;
  }

  ChannelPromise promise() {
    return promise;
  }

  boolean writable(Http2Stream stream) {
    if (!ctx.channel().isWritable()) {
      return false;
    }
    // A closed stream has no window left to wait for; what is written to it goes nowhere.
    return stream.state() == Http2Stream.State.CLOSED
        || connection().remote().flowController().isWritable(stream);
  }

  /** Returns a request's DATA bytes to the client's windows, once the exchange took them. */
  void consumed(Http2Stream stream, int bytes) {
    try {
      if (connection().local().flowController().consumeBytes(stream, bytes)) {
        flushSoon();
      }
    } catch (Http2Exception e) {
      onError(ctx, false, e);
    }
  }

  /**
   * Flushes what the streams wrote once this turn of the event loop is done: the responses of many
   * streams come back from their upstreams within one turn, and go out in one write, not one each
   * (what a {@code FlushConsolidationHandler} below the connection handler did, without its hop on
   * every write and with the flow controller's pending bytes written once per turn).
   */
  void flushSoon() {
    if (!reading && !flushScheduled) {
      flushScheduled = true;
      ctx.executor().execute(flushTask);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    reading = true;
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    reading = false;
    super.channelReadComplete(ctx); // flushes
  }

  /** Sends a RST_STREAM with {@code error}: the stream closes. */
  void reset(int id, Http2Error error) {
    resetStream(ctx, id, error.code(), promise);
    flush(ctx);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    promise = new VoidChannelPromise(ctx.channel(), false);
    super.handlerAdded(ctx);
  }

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean end) {
    H2Stream stream = streams.get(streamId);
    if (stream == null) {
      Http2Stream state = connection().stream(streamId);
      if (state == null) {
        return; // closed within the decoding of this frame
      }
      stream = new H2Stream(this, ctx, state);
      streams.put(streamId, stream);
      stream.head(headers, end);
    } else {
      stream.frame(new DefaultHttp2HeadersFrame(headers, end, padding));
    }
  }

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int streamDependency,
      short weight,
      boolean exclusive,
      int padding,
      boolean end) {
    onHeadersRead(ctx, streamId, headers, padding, end);
  }

  @Override
  public int onDataRead(
      ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean end) {
    H2Stream stream = streams.get(streamId);
    if (stream == null) {
      return data.readableBytes() + padding; // nobody takes it: its credit goes back now
    }
    // The credit goes back when the exchange takes the bytes (H2Stream), not here.
    stream.frame(new DefaultHttp2DataFrame(data.retain(), end, padding));
    return 0;
  }

  @Override
  public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
    H2Stream stream = streams.get(streamId);
    if (stream != null) {
      stream.closed("the client reset the stream");
    }
  }

  // Settings, pings and GOAWAY: the connection handler has acted on them already.
  @Override
  public void onPriorityRead(
      ChannelHandlerContext ctx, int streamId, int dependency, short weight, boolean exclusive) {}

  @Override
  public void onSettingsAckRead(ChannelHandlerContext ctx) {}

  @Override
  public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {}

  @Override
  public void onPingRead(ChannelHandlerContext ctx, long data) {}

  @Override
  public void onPingAckRead(ChannelHandlerContext ctx, long data) {}

  @Override
  public void onPushPromiseRead(
      ChannelHandlerContext ctx, int streamId, int promised, Http2Headers headers, int padding) {}

  @Override
  public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long code, ByteBuf data) {}

  @Override
  public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int increment) {}

  @Override
  public void onUnknownFrame(
      ChannelHandlerContext ctx, byte type, int streamId, Http2Flags flags, ByteBuf payload) {}

  /**
   * A stream error found on a request (RFC 9113 section 8.1.1: a missing pseudo-header, a body
   * longer or shorter than its content-length): the stream's exchange is cancelled and the stream
   * reset with the error's code, not the CANCEL of a stream given up. The connection goes on.
   */
  @Override
  protected void onStreamError(
      ChannelHandlerContext ctx,
      boolean outbound,
      Throwable cause,
      Http2Exception.StreamException error) {
    Http2Stream state = connection().stream(error.streamId());
    if (state == null) {
      super.onStreamError(ctx, outbound, cause, error);
      return;
    }
    if (outbound) {
      return; // the write's promise says so
    }
    H2Stream stream = streams.get(error.streamId());
    if (stream != null) {
      stream.refuse(error.error(), "malformed request: " + cause.getMessage());
    } else {
      resetStream(ctx, error.streamId(), error.error().code(), promise);
    }
  }

  @Override
  protected void onConnectionError(
      ChannelHandlerContext ctx, boolean outbound, Throwable cause, Http2Exception error) {
    if (!outbound) {
      ConnectionMetricsHandler.markFailed(ctx.channel());
    }
    super.onConnectionError(ctx, outbound, cause, error);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
      super.exceptionCaught(ctx, cause);
      return;
    }
    // The socket failed (a reset, a TLS error): nothing more can be written.
    ConnectionMetricsHandler.markFailed(ctx.channel());
    close(ctx, ctx.newPromise());
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    super.channelWritabilityChanged(ctx);
    if (ctx.channel().isWritable()) {
      for (H2Stream stream : streams.values().toArray(new H2Stream[0])) {
        stream.writabilityChanged();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    H2Stream[] open = streams.values().toArray(new H2Stream[0]);
    streams.clear();
    for (H2Stream stream : open) {
      stream.closed("the client closed the connection");
    }
    super.channelInactive(ctx);
  }

  private static final class Builder
      extends AbstractHttp2ConnectionHandlerBuilder<H2Downstream, Builder> {
    private final HttpContext context;
    private final Duration bodyStall;

    Builder(HttpContext context, Duration bodyStall, Http2Settings settings, Duration grace) {
      this.context = context;
      this.bodyStall = bodyStall;
      connection(H2Codecs.newConnection(true));
      initialSettings(settings);
      validateHeaders(true);
      validateRequiredPseudoHeaders(true);
      gracefulShutdownTimeoutMillis(grace.toMillis());
    }

    // The builder takes a server connection only without server(true) beside it.
    @Override
    protected boolean isServer() {
      return true;
    }

    @Override
    protected H2Downstream build() {
      return super.build();
    }

    @Override
    protected H2Downstream build(
        Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
      return new H2Downstream(decoder, encoder, settings, context, bodyStall);
    }
  }
}
