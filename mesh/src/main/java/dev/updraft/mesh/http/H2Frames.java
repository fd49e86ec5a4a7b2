package dev.updraft.mesh.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * The HTTP/1-shaped messages the proxy's stack carries, to and from the frames of one HTTP/2 stream
 * (what Netty's {@code Http2StreamFrameToHttpObjectCodec} does in a stream's own pipeline, here
 * without one).
 */
final class H2Frames {
  private H2Frames() {}

  /**
   * A request's head from its HEADERS. One whose stream goes on and that declares no length is
   * marked chunked, so the stack sees a body of unknown length.
   */
  static HttpRequest request(int id, Http2Headers headers, boolean endStream)
      throws Http2Exception {
    HttpRequest head = H2Conversion.request(id, headers);
    if (!endStream && !HttpUtil.isContentLengthSet(head)) {
      head.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return head;
  }

  /** A request's trailers (HEADERS after its DATA, ending the stream). */
  static LastHttpContent trailers(int id, Http2Headers headers) throws Http2Exception {
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    HttpConversionUtil.addHttp2ToHttpHeaders(
        id, headers, last.trailingHeaders(), HttpVersion.HTTP_1_1, true, true);
    return last;
  }

  /**
   * Writes part of a response as frames of {@code stream}, not flushed; the message's buffer goes
   * with them. A {@code LastHttpContent} (a whole response included) ends the stream.
   */
  static void write(
      ChannelHandlerContext ctx,
      Http2ConnectionEncoder encoder,
      int stream,
      HttpObject msg,
      ChannelPromise promise) {
    boolean sent = false;
    if (msg instanceof HttpResponse head) {
      boolean endStream =
          head instanceof FullHttpResponse full
              && !full.content().isReadable()
              && full.trailingHeaders().isEmpty();
      Http2Headers headers = H2Conversion.response(head);
      encoder.writeHeaders(ctx, stream, headers, 0, endStream, promise);
      if (endStream) {
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (msg instanceof LastHttpContent last) {
      boolean trailers = !last.trailingHeaders().isEmpty();
      // Without trailers or a whole response's head, an empty DATA frame carries END_STREAM.
      if (last.content().isReadable() || (!trailers && !(last instanceof FullHttpResponse))) {
        encoder.writeData(ctx, stream, last.content(), 0, !trailers, promise);
        sent = true;
      }
      if (trailers) {
        Http2Headers headers = H2Conversion.trailers(last.trailingHeaders());
        encoder.writeHeaders(ctx, stream, headers, 0, true, promise);
      }
    } else if (msg instanceof HttpContent content) {
      encoder.writeData(ctx, stream, content.content(), 0, false, promise);
      sent = true;
    }
    if (!sent) {
      ReferenceCountUtil.release(msg);
    }
  }
}
