package dev.updraft.mesh.http;

import dev.updraft.mesh.transport.ConnectionMetricsHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.time.Duration;

/**
 * The client side of HTTP proxying for one HTTP/2 connection, over the stream frames of Netty's
 * {@code Http2FrameCodec}: one {@link H2Stream} per request stream, in a map by stream id, instead
 * of a child channel with its own pipeline per stream ({@code Http2MultiplexHandler}), which was
 * the largest cost of an HTTP/2 request (docs/mesh/performance.md).
 */
public final class H2Downstream extends ChannelInboundHandlerAdapter {
  private final HttpContext context;
  private final Duration bodyStall;
  private final Http2Connection connection;
  private final IntObjectMap<H2Stream> streams = new IntObjectHashMap<>();
  private ChannelHandlerContext ctx;
  // Writes whose failure needs no answer: a stream that is gone says so by its CLOSED event.
  private ChannelPromise promise;

  /**
   * @param connection the frame codec's connection, whose flow control says which streams can take
   *     more response bytes
   * @param bodyStall how long a request body may send nothing while the proxy waits for it
   */
  public H2Downstream(HttpContext context, Duration bodyStall, Http2Connection connection) {
    this.context = context;
    this.bodyStall = bodyStall;
    this.connection = connection;
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

  boolean writable(Http2FrameStream stream) {
    if (!ctx.channel().isWritable()) {
      return false;
    }
    Http2Stream state = connection.stream(stream.id());
    return state == null || connection.remote().flowController().isWritable(state);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    promise = new VoidChannelPromise(ctx.channel(), false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Http2StreamFrame frame) || frame.stream() == null) {
      // Settings, pings, GOAWAY: the codec has acted on them already.
      ReferenceCountUtil.release(msg);
      return;
    }
    int id = frame.stream().id();
    H2Stream stream = streams.get(id);
    if (stream == null) {
      if (frame instanceof Http2HeadersFrame headers) {
        stream = new H2Stream(this, ctx, frame.stream());
        streams.put(id, stream);
        stream.head(headers);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    switch (frame) {
      case Http2ResetFrame reset -> stream.closed("the client reset the stream");
      case Http2HeadersFrame headers -> stream.frame(headers);
      case Http2DataFrame data -> stream.frame(data);
      default -> ReferenceCountUtil.release(msg); // window updates, priorities, unknown frames
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2FrameStreamEvent event) {
      Http2FrameStream frameStream = event.stream();
      switch (event.type()) {
        case State -> {
          if (frameStream.state() == Http2Stream.State.CLOSED) {
            H2Stream stream = streams.remove(frameStream.id());
            if (stream != null) {
              stream.closed("the client reset the stream");
            }
          }
        }
        case Writability -> {
          H2Stream stream = streams.get(frameStream.id());
          if (stream != null) {
            stream.writabilityChanged();
          }
        }
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      for (H2Stream stream : streams.values().toArray(new H2Stream[0])) {
        stream.writabilityChanged();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException error) {
      // A stream error the codec found on a request (RFC 9113 section 8.1.1: a missing
      // pseudo-header, a body longer or shorter than its content-length): the codec leaves the
      // RST_STREAM to us, with its error code, not the CANCEL of a stream given up.
      H2Stream stream = streams.get(error.stream().id());
      if (stream != null) {
        Throwable why = error.getCause() == null ? error : error.getCause();
        stream.refuse(error.error(), "malformed request: " + why.getMessage());
      } else {
        ctx.writeAndFlush(
            new DefaultHttp2ResetFrame(error.error()).stream(error.stream()), promise);
      }
      return;
    }
    ConnectionMetricsHandler.markFailed(ctx.channel());
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    H2Stream[] open = streams.values().toArray(new H2Stream[0]);
    streams.clear();
    for (H2Stream stream : open) {
      stream.closed("the client closed the connection");
    }
    ctx.fireChannelInactive();
  }
}
