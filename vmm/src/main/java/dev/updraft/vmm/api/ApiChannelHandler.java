package dev.updraft.vmm.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One API connection: collects each request's body up to the payload limit, hands the request to
 * the {@link ApiDispatcher} and writes Firecracker-style responses. The body is read as JSON
 * whatever its Content-Type (curl sends none, or a form type). A body over the limit is read and
 * thrown away so that the connection stays in step, then answered with 400; a request the HTTP
 * decoder cannot parse is answered with 400 and the connection closed.
 */
final class ApiChannelHandler extends ChannelInboundHandlerAdapter {
  private final RequestHandler dispatcher;
  private final int maxPayload;
  private HttpRequest request;
  private ByteArrayOutputStream body;
  private long received;
  private boolean tooLarge;

  ApiChannelHandler(RequestHandler dispatcher, int maxPayload) {
    this.dispatcher = dispatcher;
    this.maxPayload = maxPayload;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
        malformed(ctx, object);
        return;
      }
      if (msg instanceof HttpRequest start) {
        begin(start);
      }
      if (msg instanceof HttpContent content && request != null) {
        append(content.content());
        if (content instanceof LastHttpContent) {
          finish(ctx);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void begin(HttpRequest start) {
    request = start;
    body = new ByteArrayOutputStream();
    received = 0;
    long declared = HttpUtil.getContentLength(start, -1L);
    tooLarge = declared > maxPayload;
  }

  private void append(ByteBuf chunk) {
    int size = chunk.readableBytes();
    received += size;
    if (tooLarge || received > maxPayload) {
      tooLarge = true;
      body = null;
      return;
    }
    body.writeBytes(ByteBufUtil.getBytes(chunk));
  }

  private void finish(ChannelHandlerContext ctx) {
    HttpRequest done = request;
    request = null;
    ApiReply reply;
    if (tooLarge) {
      long size = Math.max(received, HttpUtil.getContentLength(done, received));
      reply =
          ApiReply.fault(
              "Request payload with size "
                  + size
                  + " is larger than the limit of "
                  + maxPayload
                  + " allowed by server.");
    } else {
      reply = dispatcher.handle(done.method().name(), done.uri(), body.toByteArray());
    }
    body = null;
    respond(ctx, reply, HttpUtil.isKeepAlive(done));
  }

  private void malformed(ChannelHandlerContext ctx, HttpObject object) {
    request = null;
    body = null;
    Throwable cause = object.decoderResult().cause();
    String why =
        cause == null || cause.getMessage() == null ? "malformed request" : cause.getMessage();
    respond(ctx, ApiReply.fault("Invalid HTTP request: " + why), false);
  }

  private static void respond(ChannelHandlerContext ctx, ApiReply reply, boolean keepAlive) {
    ByteBuf content =
        reply.body() == null
            ? Unpooled.EMPTY_BUFFER
            : Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()), content);
    response.headers().set("Server", "Firecracker API");
    if (reply.body() != null) {
      response.headers().set("Content-Type", HttpHeaderValues.APPLICATION_JSON);
      response.headers().setInt("Content-Length", content.readableBytes());
    }
    if (reply.deprecated()) {
      response.headers().set("Deprecation", "true");
    }
    response
        .headers()
        .set("Connection", keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    // Header names spelled as Firecracker's server spells them, for clients that compare them.
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A broken connection affects only its client: drop it, keep serving the others.
    ctx.close();
  }
}
