package dev.updraft.mesh.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The top of one exchange's stack: writes the response to the client with the framing the client's
 * connection needs, reads more of it only as fast as the client takes it, answers a failure with a
 * synthesized error (Linkerd's {@code l5d-proxy-error} responses) or, once the response has begun,
 * by cutting the connection, and splices an upgraded connection.
 */
final class ClientResponse implements Responder {
  private final ClientSide down;
  private final Exchange exchange;
  private HttpCall call;
  private boolean started;
  private boolean done;
  private boolean waitingForWritable;

  ClientResponse(ClientSide down, Exchange exchange) {
    this.down = down;
    this.exchange = exchange;
  }

  void start() {
    call = exchange.context().stack().newCall(exchange, this);
    call.start();
  }

  /** Whether the connection may become a tunnel (CONNECT, Upgrade) if the backend agrees. */
  boolean mayTunnel() {
    return exchange.tunnel();
  }

  /** Whether the response has begun (a failure can then only cut it off). */
  boolean started() {
    return started;
  }

  void requestContent(HttpContent chunk) {
    if (done) {
      chunk.release();
      return;
    }
    call.requestContent(chunk);
  }

  /** The client went away or broke its request off: the stack lets go of everything. */
  void cancel(CancelledByClient cause) {
    if (done) {
      return;
    }
    done = true;
    call.cancel(cause);
  }

  /** The client can take more bytes. */
  void clientWritable() {
    if (waitingForWritable && !done) {
      waitingForWritable = false;
      call.readResponse();
    }
  }

  @Override
  public void responseHead(HttpResponse head) {
    if (done) {
      ReferenceCountUtil.release(head);
      return;
    }
    started = true;
    Exchange.Upgrade upgrade = exchange.takeUpgrade();
    if (upgrade != null) {
      done = true;
      ReferenceCountUtil.release(head);
      HopByHop.prepare(upgrade.head().headers(), false, false, true);
      down.tunnel(this, upgrade.head(), upgrade.upstream());
      return;
    }
    frameForClient(head);
    if (head instanceof LastHttpContent) {
      down.write(head, true);
      finish();
      return;
    }
    down.write(head, false);
    call.readResponse();
  }

  @Override
  public void responseContent(HttpContent chunk) {
    if (done) {
      chunk.release();
      return;
    }
    down.write(chunk, true);
    if (chunk instanceof LastHttpContent) {
      finish();
    } else if (down.writable()) {
      call.readResponse();
    } else {
      waitingForWritable = true;
    }
  }

  @Override
  public void fail(Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    if (started) {
      // The client has part of a response: it must see the failure, so the connection ends.
      down.abort(this);
      return;
    }
    ProxyError error = ProxyError.of(cause);
    down.write(error.toResponse(exchange.grpc(), down.alloc()), true);
    down.exchangeDone(this, !error.closeConnection());
  }

  @Override
  public void readRequest() {
    if (!done) {
      down.readRequest();
    }
  }

  private void finish() {
    done = true;
    down.exchangeDone(this, true);
  }

  /**
   * Each side of the proxy is its own connection: the client gets our HTTP/1.1 (or HTTP/2) with the
   * framing its connection needs, whatever the backend spoke.
   */
  private void frameForClient(HttpResponse head) {
    int status = head.status().code();
    head.setProtocolVersion(HttpVersion.HTTP_1_1);
    boolean bodyAllowed =
        exchange.request().method() != HttpMethod.HEAD
            && status != 204
            && status != 304
            && !(head instanceof LastHttpContent);
    HopByHop.prepare(head.headers(), down.http2(), bodyAllowed && !down.http10(), false);
    if (head instanceof HttpContent full
        && !down.http2()
        && !head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      // A whole response (HTTP/2 END_STREAM on headers) needs explicit framing on HTTP/1.1.
      HttpUtil.setContentLength(head, full.content().readableBytes());
    }
    if (down.http10() && !head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      // An HTTP/1.0 client knows the end of a body of unknown length only by the close.
      down.closeAfterResponse();
    }
  }
}
