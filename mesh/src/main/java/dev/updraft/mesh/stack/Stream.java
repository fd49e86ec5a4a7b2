package dev.updraft.mesh.stack;

import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.edge.EdgeException;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HopByHop;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.Responder;
import dev.updraft.mesh.http.Upstream;
import dev.updraft.mesh.http.UpstreamClient;
import dev.updraft.mesh.http.UpstreamException;
import dev.updraft.mesh.http.UpstreamListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The bottom of the stack: sends the request over the upstream the connect layer got and streams
 * the response back, each side only as fast as the other takes it (a request chunk is asked for
 * only while the upstream is writable; the response is read only when the layers above ask). It
 * owns the upstream: back to the pool when both messages ended cleanly, closed (or the HTTP/2
 * stream reset) otherwise, so an aborted request is never completed. What it reads was checked by
 * the connection's {@code ResponseGuard}: a malformed response arrives as a failure, never as a
 * message.
 */
final class Stream implements HttpCall, UpstreamListener {
  private final Exchange exchange;
  private final Responder up;
  private Upstream upstream;
  private boolean writing;
  private boolean waitingForWritable;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean keepAlive = true;
  private boolean done;

  Stream(Exchange exchange, Responder up) {
    this.exchange = exchange;
    this.up = up;
  }

  @Override
  public void start() {
    if (done) {
      return;
    }
    upstream = exchange.takeUpstream();
    upstream.bind(this);
    Channel channel = upstream.channel();
    HttpRequest request = exchange.request();
    boolean http2 = upstream.http2();
    HopByHop.prepare(request.headers(), http2, exchange.hasBody(), exchange.tunnel());
    if (!exchange.hasBody()) {
      requestDone = true;
      if (http2) {
        // One HEADERS frame with END_STREAM: no body follows.
        channel.write(
            new DefaultFullHttpRequest(
                request.protocolVersion(),
                request.method(),
                request.uri(),
                Unpooled.EMPTY_BUFFER,
                request.headers(),
                EmptyHttpHeaders.INSTANCE),
            channel.voidPromise());
      } else {
        channel.write(request, channel.voidPromise());
        channel.write(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
      }
    } else {
      channel.write(request, channel.voidPromise());
      // Chunks already held above arrive now; one flush below sends them with the head.
      writing = true;
      askForBody();
      writing = false;
    }
    if (!done) {
      channel.flush();
      channel.read();
    }
  }

  @Override
  public void requestContent(HttpContent chunk) {
    if (done) {
      chunk.release();
      return;
    }
    boolean last = chunk instanceof LastHttpContent;
    requestDone |= last;
    Channel channel = upstream.channel();
    if (writing) {
      channel.write(chunk, channel.voidPromise());
    } else {
      channel.writeAndFlush(chunk, channel.voidPromise());
    }
    if (!last) {
      askForBody();
    }
  }

  private void askForBody() {
    if (done) {
      return; // a write failed at once and ended the attempt
    }
    if (upstream.channel().isWritable()) {
      up.readRequest();
    } else {
      waitingForWritable = true;
    }
  }

  @Override
  public void upstreamWritable(Upstream source) {
    if (!exchange.loop().inEventLoop()) {
      exchange.loop().execute(() -> upstreamWritable(source));
      return;
    }
    if (source == upstream && waitingForWritable && !done) {
      waitingForWritable = false;
      up.readRequest();
    }
  }

  @Override
  public void readResponse() {
    if (!done) {
      upstream.channel().read();
    }
  }

  @Override
  public void upstreamRead(Upstream source, Object msg) {
    if (!exchange.loop().inEventLoop()) {
      exchange.loop().execute(() -> upstreamRead(source, msg));
      return;
    }
    if (source != upstream || done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse head) {
      onHead(head);
    } else if (msg instanceof HttpContent chunk) {
      if (chunk instanceof LastHttpContent) {
        finish();
      }
      up.responseContent(chunk);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(HttpResponse head) {
    // Interim responses stopped at the connection's ResponseGuard: this is the final one.
    int status = head.status().code();
    responseStarted = true;
    if (exchange.tunnel()
        && (status == 101
            || exchange.request().method() == HttpMethod.CONNECT && status / 100 == 2)) {
      tunnel(head);
      return;
    }
    keepAlive = HttpUtil.isKeepAlive(head);
    if (head instanceof LastHttpContent) {
      finish();
    }
    up.responseHead(head);
  }

  /**
   * The backend agreed to switch protocols: the connection leaves the pool for good and becomes the
   * client's tunnel. The layers above see a complete response; the client side splices.
   */
  private void tunnel(HttpResponse head) {
    done = true;
    Upstream tunnelled = upstream;
    upstream = null;
    tunnelled.bind(null);
    exchange.upgrade(head, tunnelled.channel());
    up.responseHead(
        new DefaultFullHttpResponse(
            head.protocolVersion(),
            head.status(),
            Unpooled.EMPTY_BUFFER,
            head.headers(),
            EmptyHttpHeaders.INSTANCE));
  }

  /** Both messages ended: the connection may serve another request if both ended cleanly. */
  private void finish() {
    done = true;
    Upstream finished = upstream;
    upstream = null;
    finished.release(requestDone && keepAlive);
  }

  @Override
  public void upstreamClosed(Upstream source) {
    upstreamFailed(source, null);
  }

  @Override
  public void upstreamFailed(Upstream source, Throwable cause) {
    if (!exchange.loop().inEventLoop()) {
      exchange.loop().execute(() -> upstreamFailed(source, cause));
      return;
    }
    if (source != upstream || done) {
      return;
    }
    done = true;
    upstream = null;
    // A malformed response (the connection's ResponseGuard refused it) was an answer: the server
    // processed the request, so it is no stale keep-alive race to retry.
    boolean malformed = cause instanceof EdgeException;
    boolean stale = source.reused() && !responseStarted && !malformed;
    boolean refused = !responseStarted && !malformed && source.refused(cause);
    source.release(false);
    Endpoint<UpstreamClient> endpoint = exchange.endpoint();
    String what =
        malformed
            ? "answered"
            : refused
                ? "refused the request unprocessed (HTTP/2 REFUSED_STREAM or GOAWAY)"
                : (cause == null ? "closed " : "failed ")
                    + (responseStarted ? "while streaming the response" : "before responding");
    up.fail(
        new UpstreamException(
            "connection to " + (endpoint == null ? "the endpoint" : endpoint) + " " + what,
            false,
            stale,
            refused,
            cause));
  }

  @Override
  public void cancel(Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    if (upstream != null) {
      Upstream aborted = upstream;
      upstream = null;
      aborted.release(false);
    }
  }
}
