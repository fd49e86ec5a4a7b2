package dev.updraft.mesh.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * Stands after the HTTP/1 client codec on a connection to a backend: a response that Netty could
 * not decode (its placeholder is {@code 999 Unknown}), that breaks {@link ResponseRules}, or whose
 * body turns invalid half-way never goes further. It becomes an exception instead, which the
 * exchange answers with a 502 and {@code l5d-proxy-error} if the client has seen nothing yet, or by
 * cutting the client's connection if the response had begun. Nothing the backend says afterwards on
 * this connection is read as HTTP again.
 */
public final class ResponseGuard extends ChannelInboundHandlerAdapter {
  private boolean failed;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject object)) {
      // A tunnel (101, CONNECT): raw bytes pass.
      ctx.fireChannelRead(msg);
      return;
    }
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    EdgeException problem = null;
    if (object.decoderResult().isFailure()) {
      problem =
          new EdgeException(502, "malformed response: " + reason(object.decoderResult().cause()));
    } else if (object instanceof HttpResponse response) {
      try {
        ResponseRules.check(response);
      } catch (EdgeException e) {
        problem = e;
      }
    }
    if (problem != null) {
      failed = true;
      ReferenceCountUtil.release(msg);
      ctx.fireExceptionCaught(problem);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static String reason(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }
}
