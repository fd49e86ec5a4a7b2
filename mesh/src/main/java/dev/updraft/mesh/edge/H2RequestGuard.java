package dev.updraft.mesh.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Checks an HTTP/2 request's pseudo-header values (RFC 9113 section 8.3.1) on its stream, where
 * Netty's frame codec has already refused missing, duplicate, unknown or misplaced pseudo-headers,
 * connection-specific fields, uppercase names and a content-length the DATA frames contradict. A
 * request left malformed by the values (an invalid method or path, a user in the authority, a Host
 * that names another authority) gets RST_STREAM with PROTOCOL_ERROR; the connection and its other
 * streams go on.
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
        reset = true;
        ReferenceCountUtil.release(msg);
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR))
            .addListener(f -> ctx.close());
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }
}
