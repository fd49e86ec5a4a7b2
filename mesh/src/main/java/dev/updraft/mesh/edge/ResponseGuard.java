package dev.updraft.mesh.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Stands after the response decoder on a connection to a backend (HTTP/1 or an HTTP/2 stream): a
 * response that could not be decoded (its placeholder is {@code 999 Unknown}), that breaks {@link
 * ResponseRules}, or whose body turns invalid half-way never goes further. It becomes an {@link
 * EdgeException} instead, which the stack answers with a 502 and {@code l5d-proxy-error} if the
 * client has seen nothing yet, or by cutting the client's connection if the response had begun.
 * Nothing the backend says afterwards on this connection is read as HTTP again.
 *
 * <p>A response head is held until the read it arrived in is complete, so that a failure later in
 * the same read (an invalid first chunk size) still finds the client with nothing sent and gets a
 * 502, as a proxy that buffers the head would give it. Interim responses (1xx other than 101) stop
 * here: the proxy answers {@code Expect: 100-continue} itself and, like linkerd2-proxy, does not
 * relay early hints; the final response follows them.
 */
public final class ResponseGuard extends ChannelInboundHandlerAdapter {
  private final ArrayDeque<Object> held = new ArrayDeque<>(4);
  private boolean failed;
  // An interim response's head was dropped and its end (a separate message on HTTP/1) follows.
  private boolean inInterim;
  // What this read brought: messages passed on, and interim responses dropped.
  private boolean delivered;
  private boolean dropped;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpObject object) {
      EdgeException problem = problem(object);
      if (problem != null) {
        failed = true;
        ReferenceCountUtil.release(msg);
        release();
        ctx.fireExceptionCaught(problem);
        return;
      }
      if (interim(object)) {
        dropped = true;
        ReferenceCountUtil.release(msg);
        return;
      }
      if (object instanceof HttpResponse) {
        held.add(msg);
        return;
      }
    }
    if (!held.isEmpty()) {
      held.add(msg); // after a held head, in order (a tunnel's first raw bytes too)
      return;
    }
    delivered = true;
    ctx.fireChannelRead(msg);
  }

  private static EdgeException problem(HttpObject object) {
    if (object.decoderResult().isFailure()) {
      Throwable cause = object.decoderResult().cause();
      String reason =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      return new EdgeException(502, "malformed response: " + reason);
    }
    if (object instanceof HttpResponse response) {
      try {
        ResponseRules.check(response);
      } catch (EdgeException e) {
        return e;
      }
    }
    return null;
  }

  /** Whether this message is (part of) an interim response, which is dropped. */
  private boolean interim(HttpObject object) {
    if (object instanceof HttpResponse response) {
      int code = response.status().code();
      if (code >= 100 && code < 200 && code != 101) {
        inInterim = !(object instanceof LastHttpContent);
        return true;
      }
      return false;
    }
    if (inInterim && object instanceof LastHttpContent) {
      inInterim = false;
      return true;
    }
    return false;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    flush(ctx);
    if (dropped && !delivered && !failed && !ctx.channel().config().isAutoRead()) {
      // Only an interim response came: the reader still waits for the final one.
      ctx.read();
    }
    delivered = false;
    dropped = false;
    ctx.fireChannelReadComplete();
  }

  private void flush(ChannelHandlerContext ctx) {
    Object next;
    while ((next = held.poll()) != null) {
      delivered = true;
      ctx.fireChannelRead(next);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    flush(ctx); // a complete response followed by the close is relayed first
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  private void release() {
    Object next;
    while ((next = held.poll()) != null) {
      ReferenceCountUtil.release(next);
    }
  }
}
