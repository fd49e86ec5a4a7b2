package dev.updraft.mesh.http;

import dev.updraft.mesh.transport.ConnectionMetricsHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The client side of HTTP proxying, for one HTTP/1.1 connection or one HTTP/2 stream. Requests are
 * served one at a time, in order: pipelined requests wait in a backlog, which keeps responses in
 * request order. Reads are explicit (auto-read is off), so a client can only send as fast as the
 * backend takes its bytes.
 */
public final class DownstreamHandler extends ChannelInboundHandlerAdapter {
  private final HttpContext context;
  private final boolean http2;
  private final ArrayDeque<HttpObject> backlog = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange current;
  private boolean closeAfterResponse;
  private boolean http10;

  public DownstreamHandler(HttpContext context, boolean http2) {
    this.context = context;
    this.http2 = http2;
  }

  HttpContext context() {
    return context;
  }

  boolean http2() {
    return http2;
  }

  boolean http10() {
    return http10;
  }

  void closeAfterResponse() {
    closeAfterResponse = true;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // Added after protocol detection, on a connection that is already active.
    if (ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject object)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (current != null && !current.requestComplete() && backlog.isEmpty()) {
      if (msg instanceof HttpContent content) {
        requestContent(content);
        return;
      }
    }
    if (current != null || !backlog.isEmpty()) {
      backlog.add(object);
      return;
    }
    dispatch(object);
  }

  private void dispatch(HttpObject msg) {
    if (msg instanceof HttpRequest request) {
      startExchange(request);
    } else if (msg instanceof HttpContent content) {
      // The body of a request answered without a backend (404, 400): drop it.
      DecoderResult result = content.decoderResult();
      content.release();
      if (result.isFailure()) {
        reject(statusFor(result.cause()), "malformed request body: " + result.cause().getMessage());
      } else {
        ctx.read();
      }
    }
  }

  /** A body chunk of the current request, which the exchange forwards unless it is malformed. */
  private void requestContent(HttpContent content) {
    DecoderResult result = content.decoderResult();
    if (result.isSuccess()) {
      current.onRequestContent(content);
      return;
    }
    // The body broke off (an invalid chunk, a bad length): the backend must not see a complete
    // request, so the upstream request is aborted, never ended with a last chunk.
    content.release();
    Exchange broken = current;
    current = null;
    broken.cancelByClient();
    if (broken.responseStarted()) {
      abort();
    } else {
      reject(statusFor(result.cause()), "malformed request body: " + result.cause().getMessage());
    }
  }

  private void startExchange(HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      ReferenceCountUtil.release(request);
      reject(statusFor(result.cause()), "malformed request: " + result.cause().getMessage());
      return;
    }
    http10 = request.protocolVersion() == HttpVersion.HTTP_1_0;
    HttpRequest head = request;
    LastHttpContent body = null;
    if (request instanceof FullHttpRequest full) {
      head =
          new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
      body = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
    }
    Route route = context.router().route(head, ctx.channel());
    if (route == null) {
      if (body != null) {
        body.release();
      }
      respondLocally(ProxyError.noRoute(head.method() + " " + head.uri()), head);
      return;
    }
    boolean hasBody =
        body != null
            ? body.content().isReadable() || !body.trailingHeaders().isEmpty()
            : declaresBody(head);
    current = new Exchange(this, ctx, head, route, hasBody);
    current.start();
    if (body != null) {
      current.onRequestContent(body);
    }
  }

  /** RFC 9112 section 6.3: a request without Content-Length and Transfer-Encoding has no body. */
  private static boolean declaresBody(HttpRequest head) {
    if (HttpUtil.isTransferEncodingChunked(head)) {
      return true;
    }
    String length = head.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    if (length == null) {
      return false;
    }
    try {
      return Long.parseLong(length.trim()) != 0;
    } catch (NumberFormatException e) {
      return true; // the decoder rejects these; if one gets here, its header is kept as it is
    }
  }

  private void respondLocally(ProxyError error, HttpRequest head) {
    String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
    boolean grpc = contentType != null && contentType.startsWith("application/grpc");
    ctx.writeAndFlush(error.toResponse(grpc, ctx.alloc()));
    ctx.read();
  }

  private void reject(HttpResponseStatus status, String message) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            ctx.alloc()
                .buffer()
                .writeBytes((message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    response.headers().set(ProxyError.HEADER, message.replaceAll("[^\\x20-\\x7e]", " "));
    ConnectionMetricsHandler.markFailed(ctx.channel());
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private static HttpResponseStatus statusFor(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    if (cause instanceof TooLongFrameException) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  /** The exchange is over; {@code reusable} says whether the connection can carry another. */
  void exchangeDone(Exchange done, boolean reusable) {
    if (done != current) {
      return;
    }
    current = null;
    if (http2) {
      return;
    }
    if (!reusable || closeAfterResponse) {
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    drainBacklog();
    if (current == null) {
      ctx.read();
    }
  }

  /** Feeds pipelined messages to the next exchange, stopping at the request after it. */
  private void drainBacklog() {
    while (!backlog.isEmpty()) {
      HttpObject next = backlog.peek();
      if (current == null) {
        dispatch(backlog.poll());
      } else if (next instanceof HttpContent content && !current.requestComplete()) {
        backlog.poll();
        requestContent(content);
      } else {
        return;
      }
    }
  }

  /** The response broke off midway: the client must see the failure, so the connection ends. */
  void abort() {
    current = null;
    ConnectionMetricsHandler.markFailed(ctx.channel());
    ctx.close();
  }

  /** The connection became a tunnel; this handler is gone. */
  void tunnelled() {
    current = null;
    releaseBacklog();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null && ctx.channel().isWritable()) {
      current.downstreamWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      current.cancelByClient();
      current = null;
    }
    releaseBacklog();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ConnectionMetricsHandler.markFailed(ctx.channel());
    ctx.close();
  }

  private void releaseBacklog() {
    HttpObject msg;
    while ((msg = backlog.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
