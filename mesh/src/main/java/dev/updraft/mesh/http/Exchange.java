package dev.updraft.mesh.http;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.config.Protocol;
import dev.updraft.mesh.resilience.RetryPolicy;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request through the proxy: pick a backend by weight and an endpoint by P2C, send the request,
 * stream the response back, and retry what the route allows. Everything runs on the downstream
 * channel's event loop; events from elsewhere (a shared HTTP/2 connection, the balancer's queue)
 * hop onto it first, so the state below needs no locks.
 */
final class Exchange
    implements UpstreamListener, Balancer.Callback<EndpointClient>, EndpointClient.Callback {
  private final DownstreamHandler down;
  private final ChannelHandlerContext ctx;
  private final EventLoop loop;
  private final HttpContext context;
  private final HttpRequest request;
  private final Route route;
  private final RetryPolicy retry;
  private final boolean grpc;
  private final boolean tunnel;
  private final boolean hasBody;
  private final long start;

  private final RequestBody body = new RequestBody();

  private final Attempts attempts;
  private Balancer.Ticket ticket;
  private Backend backend;
  private Endpoint<EndpointClient> endpoint;
  private boolean endpointPending;
  private Upstream upstream;
  private long attemptStart;
  private boolean waitingForUpstreamWritable;
  private boolean waitingForDownstreamWritable;
  private ScheduledFuture<?> requestTimer;
  private ScheduledFuture<?> headersTimer;
  private ScheduledFuture<?> idleTimer;
  private long lastActivity;

  private HttpResponse heldHead;
  private boolean responseStarted;
  private boolean responseKeepAlive = true;
  private int status;
  private boolean finished;

  /**
   * @param hasBody whether the request has a body, as its head says (RFC 9112 section 6: neither
   *     Content-Length nor Transfer-Encoding means none; an HTTP/2 request whose HEADERS ended the
   *     stream has none). The framing towards the backend follows from it alone, never from how
   *     much of the body has arrived when the request is sent.
   */
  Exchange(
      DownstreamHandler down,
      ChannelHandlerContext ctx,
      HttpRequest request,
      Route route,
      boolean hasBody) {
    this.down = down;
    this.ctx = ctx;
    this.loop = ctx.channel().eventLoop();
    this.context = down.context();
    this.request = request;
    this.route = route;
    this.retry = route.retry();
    this.grpc = Grpc.isGrpc(request.headers());
    this.attempts = new Attempts(retry, route.stats());
    this.tunnel =
        !down.http2()
            && (request.method() == HttpMethod.CONNECT
                || request.headers().contains(HttpHeaderNames.UPGRADE));
    this.hasBody = hasBody;
    this.start = context.clock().getAsLong();
  }

  boolean requestComplete() {
    return body.complete();
  }

  boolean responseStarted() {
    return responseStarted;
  }

  void start() {
    route.stats().onRequest();
    retry.onRequest();
    if (route.timeouts().request() != null) {
      requestTimer =
          loop.schedule(
              () ->
                  fail(
                      new RouteTimeoutException(
                          RouteTimeoutException.Kind.REQUEST_TIMEOUT, route.timeouts().request())),
              route.timeouts().request().toNanos(),
              TimeUnit.NANOSECONDS);
    }
    if (route.timeouts().idle() != null) {
      lastActivity = start;
      idleTimer =
          loop.schedule(this::checkIdle, route.timeouts().idle().toNanos(), TimeUnit.NANOSECONDS);
    }
    nextAttempt(null);
  }

  // One timer per exchange, re-armed for the remaining time, instead of one per chunk.
  private void checkIdle() {
    if (finished) {
      return;
    }
    long idle = route.timeouts().idle().toNanos();
    long quiet = context.clock().getAsLong() - lastActivity;
    if (quiet >= idle) {
      fail(
          new RouteTimeoutException(
              RouteTimeoutException.Kind.IDLE_TIMEOUT, route.timeouts().idle()));
    } else {
      idleTimer = loop.schedule(this::checkIdle, idle - quiet, TimeUnit.NANOSECONDS);
    }
  }

  private void active() {
    if (idleTimer != null) {
      lastActivity = context.clock().getAsLong();
    }
  }

  // ---- choosing an endpoint -------------------------------------------------------------------

  private void nextAttempt(Endpoint<EndpointClient> avoid) {
    attempts.begin();
    Backend previous = backend;
    // The attempt keeps its backend: its protocol and its balancer belong to it, not to the split.
    backend = route.backends().pick(context.random());
    ticket = backend.balancer().acquire(backend == previous ? avoid : null, this);
  }

  @Override
  public void ready(Endpoint<EndpointClient> chosen) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> ready(chosen));
      return;
    }
    ticket = null;
    if (finished) {
      return;
    }
    endpoint = chosen;
    endpointPending = true;
    chosen.start(context.clock().getAsLong());
    chosen.client().acquire(loop, useHttp2(), this);
  }

  @Override
  public void failed(RuntimeException cause) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> failed(cause));
      return;
    }
    ticket = null;
    fail(cause);
  }

  private boolean useHttp2() {
    Protocol protocol = backend.protocol();
    return !tunnel
        && (grpc || protocol == Protocol.HTTP2 || (protocol == Protocol.PRESERVE && down.http2()));
  }

  // ---- connecting -----------------------------------------------------------------------------

  @Override
  public void acquired(Upstream acquired) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> acquired(acquired));
      return;
    }
    if (finished) {
      acquired.release(!acquired.http2());
      return;
    }
    endpoint.onConnected();
    upstream = acquired;
    upstream.bind(this);
    sendRequest();
  }

  @Override
  public void failed(UpstreamException cause) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> failed(cause));
      return;
    }
    if (finished) {
      return;
    }
    Endpoint<EndpointClient> failedEndpoint = endpoint;
    endpointPending = false;
    long until = failedEndpoint.onConnectFailure(context.clock().getAsLong());
    backend.balancer().drainAt(until);
    endpoint = null;
    // Nothing was sent, so another endpoint may take the request whatever its body or method.
    if (attempts.reconnect()) {
      nextAttempt(failedEndpoint);
    } else {
      fail(cause);
    }
  }

  // ---- sending the request --------------------------------------------------------------------

  private void sendRequest() {
    Channel up = upstream.channel();
    attemptStart = context.clock().getAsLong();
    HopByHop.prepare(request.headers(), upstream.http2(), hasBody, tunnel);
    up.write(request);
    if (attempts.isRetry()) {
      body.writeReplay(up);
    } else {
      body.writeHeld(up);
    }
    up.flush();
    if (route.timeouts().responseHeaders() != null) {
      headersTimer =
          loop.schedule(
              this::responseHeadersTimedOut,
              route.timeouts().responseHeaders().toNanos(),
              TimeUnit.NANOSECONDS);
    }
    up.read();
    if (!body.complete()) {
      readMoreRequest();
    }
  }

  /** A body chunk from the client. */
  void onRequestContent(HttpContent content) {
    active();
    if (finished) {
      ReferenceCountUtil.release(content);
      return;
    }
    boolean last = body.record(content);
    if (upstream == null) {
      body.hold(content);
      return;
    }
    upstream.channel().writeAndFlush(content, upstream.channel().voidPromise());
    if (!last) {
      readMoreRequest();
    }
  }

  private void readMoreRequest() {
    if (upstream.channel().isWritable()) {
      ctx.read();
    } else {
      waitingForUpstreamWritable = true;
    }
  }

  @Override
  public void upstreamWritable(Upstream source) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> upstreamWritable(source));
      return;
    }
    if (source == upstream && waitingForUpstreamWritable && !finished) {
      waitingForUpstreamWritable = false;
      ctx.read();
    }
  }

  // ---- the response ---------------------------------------------------------------------------

  @Override
  public void upstreamRead(Upstream source, Object msg) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> upstreamRead(source, msg));
      return;
    }
    if (source != upstream || finished) {
      ReferenceCountUtil.release(msg);
      return;
    }
    active();
    if (msg instanceof HttpResponse head) {
      if (!onResponseHead(head)) {
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      onResponseContent(content);
    } else if (!(msg instanceof HttpResponse)) {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Returns false when the message was consumed here (retried, or an interim 1xx). */
  private boolean onResponseHead(HttpResponse head) {
    int code = head.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      // We answered Expect: 100-continue ourselves; interim responses stop here.
      upstream.channel().read();
      return false;
    }
    cancel(headersTimer);
    long now = context.clock().getAsLong();
    endpoint.observeRtt(now - attemptStart, now);
    status = code;
    int grpcStatus = Grpc.status(head.headers());
    if ((retry.retriesStatus(code) || grpc && retry.retriesGrpc(grpcStatus))
        && attempts.retry(body)) {
      completeEndpoint(false);
      dropUpstream();
      retryNow();
      return false;
    }
    if (grpc
        && grpcStatus < 0
        && retry.limit() > 0
        && body.complete()
        && body.replayable()
        && !(head instanceof LastHttpContent)) {
      // gRPC reports errors in trailers: hold the head until we see whether trailers follow.
      heldHead = head;
      upstream.channel().read();
      return false;
    }
    forwardHead(head);
    return true;
  }

  private void forwardHead(HttpResponse head) {
    if (tunnel && (status == 101 || request.method() == HttpMethod.CONNECT && status / 100 == 2)) {
      responseStarted = true;
      route.stats().onResponseStart(status, context.clock().getAsLong() - start);
      finished = true;
      cancel(requestTimer);
      completeEndpoint(true);
      HopByHop.prepare(head.headers(), false, false, true);
      Upstream tunnelled = upstream;
      upstream = null;
      tunnelled.bind(null);
      route.stats().onResponseEnd(status, true, "");
      Tunnel.splice(ctx, head, tunnelled.channel());
      down.tunnelled();
      return;
    }
    responseKeepAlive = HttpUtil.isKeepAlive(head);
    // Each side of the proxy is its own connection: the client gets our HTTP/1.1, whatever the
    // backend spoke (HTTP/1.0 backends close their connection; the client's may stay open).
    head.setProtocolVersion(HttpVersion.HTTP_1_1);
    boolean bodyAllowed =
        request.method() != HttpMethod.HEAD
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
      down.closeAfterResponse();
    }
    responseStarted = true;
    route.stats().onResponseStart(status, context.clock().getAsLong() - start);
    // A full response is also its own content, which onResponseContent handles right after.
    ctx.write(head, ctx.voidPromise());
    if (!(head instanceof HttpContent)) {
      upstream.channel().read();
    }
  }

  private void onResponseContent(HttpContent content) {
    if (heldHead != null) {
      HttpResponse head = heldHead;
      heldHead = null;
      if (content instanceof LastHttpContent last
          && !content.content().isReadable()
          && retry.retriesGrpc(Grpc.status(last.trailingHeaders()))
          && attempts.retry(body)) {
        ReferenceCountUtil.release(content);
        completeEndpoint(false);
        dropUpstream();
        retryNow();
        return;
      }
      forwardHead(head);
    }
    boolean head = content instanceof HttpResponse;
    if (content instanceof LastHttpContent last) {
      boolean success = status < 500;
      if (grpc) {
        int code = Grpc.status(last.trailingHeaders());
        code = code < 0 && head ? Grpc.status(((HttpResponse) content).headers()) : code;
        success = success && code <= 0;
      }
      if (head) {
        // A full response was written as its head already.
        ctx.flush();
      } else {
        ctx.writeAndFlush(content, ctx.voidPromise());
      }
      finish(success);
      return;
    }
    if (head) {
      return;
    }
    ctx.writeAndFlush(content, ctx.voidPromise());
    if (ctx.channel().isWritable()) {
      upstream.channel().read();
    } else {
      waitingForDownstreamWritable = true;
    }
  }

  /** The client can take more bytes: resume reading the response. */
  void downstreamWritable() {
    if (waitingForDownstreamWritable && upstream != null && !finished) {
      waitingForDownstreamWritable = false;
      upstream.channel().read();
    }
  }

  private void finish(boolean success) {
    finished = true;
    cancel(requestTimer);
    cancel(headersTimer);
    cancel(idleTimer);
    completeEndpoint(success);
    route.stats().onResponseEnd(status, success, "");
    log("");
    boolean reusable = body.complete() && responseKeepAlive;
    upstream.release(reusable);
    upstream = null;
    releaseBuffers();
    down.exchangeDone(this, body.complete());
  }

  // ---- failures and retries -------------------------------------------------------------------

  @Override
  public void upstreamClosed(Upstream source) {
    upstreamFailed(source, null);
  }

  @Override
  public void upstreamFailed(Upstream source, Throwable cause) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> upstreamFailed(source, cause));
      return;
    }
    if (source != upstream || finished) {
      return;
    }
    String what = responseStarted ? "while streaming the response" : "before responding";
    UpstreamException error =
        new UpstreamException(
            "connection to " + endpoint + " " + (cause == null ? "closed " : "failed ") + what,
            false,
            cause);
    boolean staleReuse = upstream.reused() && !responseStarted && heldHead == null;
    cancel(headersTimer);
    dropUpstream();
    if (responseStarted) {
      completeEndpoint(false);
      abortDownstream(error);
      return;
    }
    completeEndpoint(false);
    // A reused keep-alive connection that the server was closing: an idempotent request is safe
    // to send again once (as browsers and HTTP clients do), whatever the route's policy.
    boolean safe = staleReuse && attempts.staleConnectionRetry(request.method(), body);
    if (safe || retry.retriesConnectFailures() && attempts.retry(body)) {
      retryNow();
    } else {
      fail(error);
    }
  }

  private void responseHeadersTimedOut() {
    if (finished || responseStarted) {
      return;
    }
    RouteTimeoutException timeout =
        new RouteTimeoutException(
            RouteTimeoutException.Kind.RESPONSE_HEADERS_TIMEOUT,
            route.timeouts().responseHeaders());
    completeEndpoint(false);
    dropUpstream();
    if (attempts.retry(body)) {
      retryNow();
    } else {
      fail(timeout);
    }
  }

  private void retryNow() {
    route.stats().onRetry();
    heldHead = null;
    Endpoint<EndpointClient> avoid = endpoint;
    endpoint = null;
    nextAttempt(avoid);
  }

  /** Answers with a synthesized error, or cuts the response off if it had begun. */
  void fail(Throwable cause) {
    if (finished) {
      return;
    }
    ProxyError error = ProxyError.of(cause);
    if (responseStarted) {
      completeEndpoint(false);
      dropUpstream();
      abortDownstream(cause);
      return;
    }
    stop();
    completeEndpoint(false);
    dropUpstream();
    releaseBuffers();
    status = grpc ? 200 : error.status();
    route.stats().onResponseStart(status, context.clock().getAsLong() - start);
    route.stats().onResponseEnd(status, false, error.label());
    log(error.label());
    ctx.writeAndFlush(error.toResponse(grpc, ctx.alloc()), ctx.voidPromise());
    down.exchangeDone(this, body.complete() && !error.closeConnection());
  }

  private void abortDownstream(Throwable cause) {
    finished = true;
    cancel(requestTimer);
    cancel(headersTimer);
    cancel(idleTimer);
    route.stats().onResponseEnd(status, false, ProxyError.of(cause).label());
    log(ProxyError.of(cause).label());
    releaseBuffers();
    down.abort();
  }

  /** The client went away: stop everything without answering. */
  void cancelByClient() {
    if (finished) {
      return;
    }
    stop();
    if (endpointPending) {
      endpointPending = false;
      endpoint.onCancel();
    }
    dropUpstream();
    releaseBuffers();
  }

  /** Ends the exchange's own activity: timers and any place in a balancer queue. */
  private void stop() {
    finished = true;
    cancel(requestTimer);
    cancel(headersTimer);
    cancel(idleTimer);
    if (ticket != null) {
      ticket.cancel();
      ticket = null;
    }
  }

  private void completeEndpoint(boolean success) {
    if (!endpointPending) {
      return;
    }
    endpointPending = false;
    long until = endpoint.complete(success, context.clock().getAsLong());
    if (until > 0) {
      backend.balancer().drainAt(until);
    }
  }

  private void dropUpstream() {
    if (upstream != null) {
      upstream.release(false);
      upstream = null;
    }
    waitingForUpstreamWritable = false;
    waitingForDownstreamWritable = false;
  }

  private void releaseBuffers() {
    body.release();
  }

  private void log(String error) {
    AccessLog accessLog = context.accessLog();
    if (accessLog != null) {
      accessLog.log(
          request.method().name(),
          request.uri(),
          request.headers().get(HttpHeaderNames.HOST),
          status,
          route.name(),
          endpoint == null ? null : endpoint.label(),
          (context.clock().getAsLong() - start) / 1000,
          error);
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
