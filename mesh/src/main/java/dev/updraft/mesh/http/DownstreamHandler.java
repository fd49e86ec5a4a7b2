package dev.updraft.mesh.http;

import dev.updraft.mesh.edge.EdgeException;
import dev.updraft.mesh.edge.Http1ServerCodec;
import dev.updraft.mesh.transport.ConnectionMetricsHandler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The client side of HTTP proxying for one HTTP/1.x connection: it starts an exchange per request
 * and feeds it the request's body. Requests are served one at a time, in order: pipelined requests
 * wait in a backlog, which keeps responses in request order. Reads are explicit (auto-read is off),
 * so a client can only send as fast as the backend takes its bytes.
 */
public final class DownstreamHandler extends ChannelInboundHandlerAdapter implements ClientSide {
  private final HttpContext context;
  private final ArrayDeque<HttpObject> backlog = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private ClientResponse current;
  // The request being read has more body to come (its LastHttpContent has not arrived yet), and
  // whether that body goes to the exchange (a body-less request's end marker does not).
  private boolean requestOpen;
  private boolean forwardBody;
  private boolean processing;
  private boolean closing;
  private boolean closeAfterResponse;
  private boolean http10;
  // The request being read was answered without an exchange (no route).
  private boolean answered;
  // The codec holds the bytes after the current request until it knows whether it opens a tunnel.
  private boolean decodingHeld;

  public DownstreamHandler(HttpContext context) {
    this.context = context;
  }

  @Override
  public boolean http2() {
    return false;
  }

  @Override
  public boolean http10() {
    return http10;
  }

  @Override
  public void closeAfterResponse() {
    closeAfterResponse = true;
  }

  @Override
  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public void write(HttpObject msg, boolean flush) {
    if (flush) {
      ctx.writeAndFlush(msg, ctx.voidPromise());
    } else {
      ctx.write(msg, ctx.voidPromise());
    }
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void tunnel(ClientResponse tunnelled, HttpResponse head, Channel upstream) {
    Tunnel.splice(ctx, head, upstream);
    if (tunnelled == current) {
      current = null;
    }
    closing = true;
    releaseBacklog();
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
    if (!(msg instanceof HttpObject object) || closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (requestOpen && backlog.isEmpty() && msg instanceof HttpContent content) {
      body(content);
      if (current == null) {
        process();
      } else {
        readAhead();
      }
      return;
    }
    backlog.add(object);
    process();
  }

  /**
   * Hands queued messages on: body chunks to the request they belong to, and the next request once
   * the current exchange is done; then reads on if nothing is being served.
   */
  private void process() {
    if (processing) {
      return; // re-entered from an exchange that ended at once; the outer loop goes on
    }
    processing = true;
    try {
      HttpObject msg;
      while (!closing && (msg = backlog.peek()) != null) {
        if (requestOpen && msg instanceof HttpContent content) {
          backlog.poll();
          body(content);
        } else if (current != null) {
          return;
        } else {
          backlog.poll();
          if (msg instanceof HttpRequest request) {
            startExchange(request);
          } else {
            ReferenceCountUtil.release(msg); // a chunk of no request: nothing to do with it
          }
        }
      }
    } finally {
      processing = false;
    }
    if (!closing && current == null) {
      if (decodingHeld) {
        decodingHeld = false; // no tunnel came of it: what the client sent next is HTTP
        Http1ServerCodec codec = ctx.pipeline().get(Http1ServerCodec.class);
        if (codec != null) {
          codec.resume();
        }
      }
      ctx.read(); // the next request, or the rest of a body no exchange wants
    } else {
      readAhead();
    }
  }

  /**
   * Asks for the next request's bytes while this one is still being answered, once its head and
   * body have been read. Without a read pending when a read completes, the epoll transport takes
   * the socket out of its interest set and puts it back when the next read is asked for: two {@code
   * epoll_ctl} calls per request, a third of the proxy's system calls on a keep-alive connection.
   * What arrives early waits in the backlog, and no further read is asked for until it is served,
   * so a pipelining client gains one read, never more. A request that may become a tunnel (CONNECT,
   * Upgrade) reads nothing more: the bytes after it belong to the tunnel, not to the HTTP codec.
   */
  private void readAhead() {
    if (!closing && !requestOpen && backlog.isEmpty() && current != null && !current.mayTunnel()) {
      ctx.read();
    }
  }

  private void body(HttpContent content) {
    requestOpen = !(content instanceof LastHttpContent);
    DecoderResult result = content.decoderResult();
    if (result.isFailure()) {
      content.release();
      requestBroken(result.cause());
    } else if (current != null && forwardBody) {
      current.requestContent(content);
    } else {
      // A body-less request's end marker, or the body of a request already answered (404, an
      // error, a response that did not wait for it).
      content.release();
    }
  }

  /**
   * The request broke off or was refused half-way (an invalid chunk, a body that stalled): the
   * backend must not see a complete request, so the exchange is cancelled, which aborts its
   * upstream request. The client gets the refusal's status (400, 408) if it has heard nothing of
   * this request yet, or a cut-off response, and the connection closes.
   */
  private void requestBroken(Throwable cause) {
    requestOpen = false;
    String message =
        cause instanceof EdgeException
            ? cause.getMessage()
            : "malformed request body: " + cause.getMessage();
    ClientResponse broken = current;
    current = null;
    if (broken != null) {
      broken.cancel(new CancelledByClient(message));
      if (broken.started()) {
        abort(broken);
        return;
      }
    } else if (answered) {
      abort(null); // a response to this request went out already: only the close tells
      return;
    }
    reject(statusFor(cause), message);
  }

  private void startExchange(HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      ReferenceCountUtil.release(request);
      Throwable cause = result.cause();
      reject(
          statusFor(cause),
          cause instanceof EdgeException
              ? cause.getMessage()
              : "malformed request: " + cause.getMessage());
      return;
    }
    http10 = request.protocolVersion() == HttpVersion.HTTP_1_0;
    answered = false;
    decodingHeld = Http1ServerCodec.mayTunnel(request);
    HttpRequest head = request;
    LastHttpContent body = null;
    if (request instanceof FullHttpRequest full) {
      head =
          new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
      body = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
    }
    boolean hasBody =
        body != null
            ? body.content().isReadable() || !body.trailingHeaders().isEmpty()
            : Exchange.declaresBody(head);
    requestOpen = body == null;
    forwardBody = hasBody;
    Route route = context.router().route(head, ctx.channel());
    if (route == null) {
      ReferenceCountUtil.release(body);
      respondLocally(ProxyError.noRoute(head.method() + " " + head.uri()), head);
      return;
    }
    Exchange exchange =
        new Exchange(context, head, route, ctx.channel().eventLoop(), false, hasBody);
    exchange.client(ctx.channel());
    current = new ClientResponse(this, exchange);
    current.start();
    if (body != null) {
      if (hasBody && current != null) {
        current.requestContent(body);
      } else {
        body.release();
      }
    }
  }

  private void respondLocally(ProxyError error, HttpRequest head) {
    answered = true;
    ctx.writeAndFlush(error.toResponse(Grpc.isGrpc(head.headers()), ctx.alloc()));
  }

  private void reject(HttpResponseStatus status, String message) {
    closing = true;
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            ctx.alloc().buffer().writeBytes((message + "\n").getBytes(StandardCharsets.UTF_8)));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    response.headers().set(ProxyError.HEADER, message.replaceAll("[^\\x20-\\x7e]", " "));
    ConnectionMetricsHandler.markFailed(ctx.channel());
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private static HttpResponseStatus statusFor(Throwable cause) {
    if (cause instanceof EdgeException refused) {
      return HttpResponseStatus.valueOf(refused.status());
    }
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

  @Override
  public void readRequest() {
    if (requestOpen && !closing) {
      ctx.read();
    }
  }

  @Override
  public void exchangeDone(ClientResponse done, boolean reusable) {
    if (done != current) {
      return;
    }
    current = null;
    // A body still coming would have to be read to its end first; the connection closes instead.
    // The end marker of a body-less request is the exception: it is already decoded.
    boolean bodyPending = requestOpen && forwardBody;
    if (!reusable || closeAfterResponse || bodyPending) {
      closing = true;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    process();
  }

  /** The response broke off midway: the client must see the failure, so the connection ends. */
  @Override
  public void abort(ClientResponse aborted) {
    if (aborted == current) {
      current = null;
    }
    closing = true;
    ConnectionMetricsHandler.markFailed(ctx.channel());
    ctx.close();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null && ctx.channel().isWritable()) {
      current.clientWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (current != null) {
      ClientResponse gone = current;
      current = null;
      gone.cancel(new CancelledByClient("the client closed the connection"));
    }
    releaseBacklog();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof EdgeException && !closing) {
      // An edge layer refused the rest of a request (RequestGuard, BodyStallTimeout).
      requestBroken(cause);
      return;
    }
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
