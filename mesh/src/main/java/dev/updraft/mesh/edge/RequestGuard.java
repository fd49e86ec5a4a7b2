package dev.updraft.mesh.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Stands between the HTTP/1 server codec and the proxy: a request head that breaks {@link
 * RequestRules} reaches the proxy as a failed decode (answered with its status and a closed
 * connection), and a body that turns invalid half-way is never passed on as complete.
 *
 * <p>Netty reports an invalid chunk as a {@link LastHttpContent} with a failed decoder result,
 * which would otherwise end the upstream request with a valid {@code 0\r\n\r\n}. Messages of one
 * read are held until the read completes, so a request whose body fails within the read it arrived
 * in is refused whole, before any of it goes upstream; a body that fails later becomes an {@link
 * EdgeException} for the proxy, which aborts the upstream request, answers 400 if the client has
 * heard nothing of this request yet, and closes the connection.
 */
public final class RequestGuard extends ChannelInboundHandlerAdapter {
  private final ArrayDeque<HttpObject> held = new ArrayDeque<>();
  private HttpRequest heldRequest;
  private boolean refused;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject object)) {
      // The connection became a tunnel: raw bytes are not ours to judge.
      ctx.fireChannelRead(msg);
      return;
    }
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (object instanceof HttpRequest request) {
      onHead(request);
    }
    if (object instanceof HttpContent content
        && !(object instanceof HttpRequest)
        && content.decoderResult().isFailure()) {
      onBrokenBody(ctx, content);
      return;
    }
    if (object instanceof LastHttpContent last && !last.trailingHeaders().isEmpty()) {
      // Netty drops Content-Length, Transfer-Encoding and Trailer from a trailer section; Host
      // there could reroute a request behind the proxy (RFC 9110 §6.5.1), so it goes too.
      last.trailingHeaders().remove(HttpHeaderNames.HOST);
    }
    held.add(object);
  }

  private void onHead(HttpRequest request) {
    heldRequest = request;
    if (request.decoderResult().isFailure()) {
      refused = true;
      return;
    }
    try {
      RequestRules.check(request);
    } catch (EdgeException e) {
      refuse(request, e);
    }
  }

  private void onBrokenBody(ChannelHandlerContext ctx, HttpContent content) {
    Throwable cause = content.decoderResult().cause();
    content.release();
    if (heldRequest != null) {
      // Its head has not gone anywhere yet: drop its body and answer the head with 400.
      while (held.peekLast() != heldRequest) {
        ReferenceCountUtil.release(held.pollLast());
      }
      refuse(heldRequest, new EdgeException(400, "malformed request body: " + cause.getMessage()));
      return;
    }
    // The head went upstream in an earlier read: the proxy must abort it there.
    refused = true;
    release();
    ctx.fireExceptionCaught(
        new EdgeException(400, "malformed request body: " + cause.getMessage()));
  }

  private void refuse(HttpRequest request, EdgeException cause) {
    request.setDecoderResult(DecoderResult.failure(cause));
    refused = true;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    flush(ctx);
    ctx.fireChannelReadComplete();
  }

  private void flush(ChannelHandlerContext ctx) {
    heldRequest = null;
    HttpObject next;
    while ((next = held.poll()) != null) {
      ctx.fireChannelRead(next);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  private void release() {
    heldRequest = null;
    HttpObject next;
    while ((next = held.poll()) != null) {
      ReferenceCountUtil.release(next);
    }
  }
}
