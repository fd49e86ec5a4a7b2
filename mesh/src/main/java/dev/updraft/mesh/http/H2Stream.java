package dev.updraft.mesh.http;

import dev.updraft.mesh.config.Durations;
import dev.updraft.mesh.edge.H2RequestRules;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of one HTTP/2 stream: checks the request's HEADERS (RFC 9113 section 8.3.1,
 * beyond what Netty's decoder checks), starts its exchange, hands it the body one frame at a time
 * as it asks and returns the flow-control credit for each frame taken, so a client can only send as
 * fast as the backend takes the body; and writes the response as frames of the stream. A malformed
 * request or a stream error ends in RST_STREAM; the connection's other streams go on.
 */
final class H2Stream implements ClientSide {
  private final H2Downstream connection;
  private final ChannelHandlerContext ctx;
  private final Http2Stream stream;
  // Request frames that arrived before the exchange asked for them; null until one does.
  private ArrayDeque<Http2StreamFrame> early;
  private ClientResponse current;
  private boolean requestOpen;
  private boolean forwardBody;
  private boolean readPending;
  // END_STREAM or RST_STREAM went out: nothing more is written on this stream.
  private boolean ended;
  private boolean resetSent;
  private boolean closed;
  private ScheduledFuture<?> stall;

  H2Stream(H2Downstream connection, ChannelHandlerContext ctx, Http2Stream stream) {
    this.connection = connection;
    this.ctx = ctx;
    this.stream = stream;
  }

  /** The request's HEADERS: checked, then an exchange starts (or a local answer goes out). */
  void head(Http2Headers headers, boolean endStream) {
    if (H2RequestRules.problem(headers) != null) {
      reset(Http2Error.PROTOCOL_ERROR);
      return;
    }
    HttpRequest head;
    try {
      head = H2Frames.request(stream.id(), headers, endStream);
    } catch (Http2Exception | RuntimeException e) {
      reset(Http2Error.PROTOCOL_ERROR);
      return;
    }
    requestOpen = !endStream;
    boolean hasBody = requestOpen && Exchange.declaresBody(head);
    forwardBody = hasBody;
    Channel channel = ctx.channel();
    HttpContext context = connection.context();
    Route route = context.router().route(head, channel);
    if (route == null) {
      ProxyError error = ProxyError.noRoute(head.method() + " " + head.uri());
      write(error.toResponse(Grpc.isGrpc(head.headers()), ctx.alloc()), true);
      return;
    }
    // The connection carries the peer's identity and the port's policy.
    Exchange exchange = new Exchange(context, head, route, channel.eventLoop(), true, hasBody);
    exchange.client(channel);
    current = new ClientResponse(this, exchange);
    current.start();
  }

  /** A DATA frame or the trailers of the request: to the exchange when it asks for them. */
  void frame(Http2StreamFrame frame) {
    if (current == null || !requestOpen) {
      discard(frame);
    } else if (readPending && (early == null || early.isEmpty())) {
      readPending = false;
      cancelStall();
      deliver(frame);
    } else {
      if (early == null) {
        early = new ArrayDeque<>(4);
      }
      early.add(frame);
    }
  }

  private void deliver(Http2StreamFrame frame) {
    HttpContent content;
    if (frame instanceof Http2DataFrame data) {
      credit(data);
      content =
          data.isEndStream()
              ? new DefaultLastHttpContent(data.content())
              : new DefaultHttpContent(data.content());
    } else if (frame instanceof Http2HeadersFrame trailers && trailers.isEndStream()) {
      try {
        content = H2Frames.trailers(stream.id(), trailers.headers());
      } catch (Http2Exception e) {
        refuse(Http2Error.PROTOCOL_ERROR, "malformed request trailers: " + e.getMessage());
        return;
      }
    } else {
      ReferenceCountUtil.release(frame);
      refuse(Http2Error.PROTOCOL_ERROR, "malformed request: HEADERS within the body");
      return;
    }
    requestOpen = !(content instanceof LastHttpContent);
    if (current != null && forwardBody) {
      current.requestContent(content);
    } else {
      content.release(); // the end of a body-less request, or a body no exchange wants
    }
  }

  /** A frame nobody takes: released, its bytes credited back so the connection's window lives. */
  private void discard(Http2StreamFrame frame) {
    if (frame instanceof Http2DataFrame data) {
      credit(data);
      if (data.isEndStream()) {
        requestOpen = false;
      }
    } else if (frame instanceof Http2HeadersFrame trailers && trailers.isEndStream()) {
      requestOpen = false;
    }
    ReferenceCountUtil.release(frame);
  }

  private void credit(Http2DataFrame data) {
    int bytes = data.initialFlowControlledBytes();
    if (bytes > 0) {
      connection.consumed(stream, bytes);
    }
  }

  @Override
  public void readRequest() {
    if (!requestOpen || current == null || ended) {
      return;
    }
    if (early != null && !early.isEmpty()) {
      deliver(early.poll());
      return;
    }
    readPending = true;
    if (stall == null) {
      stall =
          ctx.executor()
              .schedule(this::stalled, connection.bodyStall().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Nothing of the body came within the stall timeout after the exchange asked for more. */
  private void stalled() {
    stall = null;
    if (readPending && requestOpen && !ended) {
      refuse(
          Http2Error.CANCEL,
          "request body stalled: nothing received within "
              + Durations.format(connection.bodyStall()));
    }
  }

  private void cancelStall() {
    if (stall != null) {
      stall.cancel(false);
      stall = null;
    }
  }

  /** Writability of the stream or the connection changed. */
  void writabilityChanged() {
    if (current != null && writable()) {
      current.clientWritable();
    }
  }

  /**
   * The stream or the request is broken (a stream error the codec found, a stalled body): the
   * exchange is cancelled, which aborts its upstream request, and the stream is reset.
   */
  void refuse(Http2Error error, String why) {
    ClientResponse gone = current;
    current = null;
    if (gone != null) {
      gone.cancel(new CancelledByClient(why));
    }
    reset(error);
  }

  private void reset(Http2Error error) {
    if (resetSent || closed) {
      return;
    }
    resetSent = true;
    ended = true;
    cancelStall();
    releaseEarly();
    connection.reset(stream.id(), error);
  }

  /** The stream is closed (both ends done, or reset) or the connection is gone. */
  void closed(String why) {
    closed = true;
    cancelStall();
    releaseEarly();
    ClientResponse gone = current;
    current = null;
    if (gone != null && !ended) {
      gone.cancel(new CancelledByClient(why));
    }
    ended = true;
  }

  private void releaseEarly() {
    if (early != null) {
      Http2StreamFrame frame;
      while ((frame = early.poll()) != null) {
        discard(frame);
      }
    }
  }

  @Override
  public boolean http2() {
    return true;
  }

  @Override
  public boolean http10() {
    return false;
  }

  @Override
  public void closeAfterResponse() {
    // A stream's end is its END_STREAM flag, whatever the response's length.
  }

  @Override
  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public void write(HttpObject msg, boolean flush) {
    if (ended) {
      ReferenceCountUtil.release(msg);
      return;
    }
    // Set first: the stream may close (and say so) within the write that ends it.
    ended = msg instanceof LastHttpContent;
    H2Frames.write(ctx, connection.encoder(), stream.id(), msg, connection.promise());
    if (flush) {
      connection.flushSoon();
    }
  }

  @Override
  public boolean writable() {
    return connection.writable(stream);
  }

  @Override
  public void exchangeDone(ClientResponse done, boolean reusable) {
    if (done == current) {
      current = null;
      cancelStall();
      releaseEarly(); // the rest of a body the exchange no longer wants
    }
  }

  @Override
  public void abort(ClientResponse aborted) {
    if (aborted == current) {
      current = null;
    }
    reset(Http2Error.CANCEL);
  }

  @Override
  public void tunnel(ClientResponse tunnelled, HttpResponse head, Channel upstream) {
    throw new IllegalStateException("an HTTP/2 stream does not become a tunnel");
  }
}
