package dev.updraft.mesh.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Checks an HTTP/2 request's pseudo-header values (RFC 9113 section 8.3.1) on its stream, where
 * Netty's frame codec has already refused missing, duplicate, unknown or misplaced pseudo-headers,
 * connection-specific fields, uppercase names and a content-length the DATA frames contradict. A
 * request left malformed by the values (an invalid method or path, a user in the authority, a Host
 * that names another authority) gets RST_STREAM with PROTOCOL_ERROR; the connection and its other
 * streams go on.
 *
 * <p>A stream error the codec finds once the stream exists (a missing pseudo-header, a body longer
 * or shorter than its content-length) reaches this stream as an exception; it too ends in
 * RST_STREAM with the codec's error code, not in the CANCEL of a plain close.
 */
public final class H2RequestGuard extends ChannelInboundHandlerAdapter {
  private boolean headSeen;
  private boolean reset;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (reset) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof Http2HeadersFrame frame && !headSeen) {
      headSeen = true;
      String problem = H2RequestRules.problem(frame.headers());
      if (problem != null) {
        ReferenceCountUtil.release(msg);
        reset(ctx, Http2Error.PROTOCOL_ERROR);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2Exception error && !reset) {
      reset(ctx, error.error());
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private void reset(ChannelHandlerContext ctx, Http2Error error) {
    reset = true;
    ctx.writeAndFlush(new DefaultHttp2ResetFrame(error)).addListener(f -> ctx.close());
  }
}
