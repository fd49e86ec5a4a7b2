package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.Grpc;
import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.http.Layer;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Responder;
import dev.updraft.mesh.http.RouteTimeoutException;
import dev.updraft.mesh.http.UpstreamException;
import dev.updraft.mesh.resilience.RetryPolicy;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.Serial;

/**
 * Retries, as the route allows (Linkerd's retry layer with its replay body): the stack below runs
 * once per attempt, and this layer keeps the request body for replay, decides whether a status, a
 * gRPC status in trailers, a reset or a response-headers timeout is retried (a timeout only for an
 * idempotent method), and sends the request again. Three retries need no policy: another endpoint
 * after a failed connect (nothing was sent), a few resends of a request an HTTP/2 endpoint refused
 * unprocessed (REFUSED_STREAM, GOAWAY), and one resend of an idempotent request whose reused
 * keep-alive connection the server was closing.
 */
final class Retry implements HttpCall, Responder {
  /** Why an attempt was given up for a retry: the endpoint answered with a failure. */
  private static final class Retried extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    Retried() {
      super("retried", null, false, false);
    }
  }

  // Stackless and without a cause: a marker that costs nothing per retried request.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  private static final Retried RETRIED = new Retried();

  private final NewCall attempts;
  private final Exchange exchange;
  private final Responder up;
  private final RetryPolicy policy;
  private final RequestBody body;
  private final Attempts count;
  private HttpCall attempt;
  // The current attempt asked for the body: new chunks go straight to it.
  private boolean attemptReading;
  private boolean replayed;
  private boolean feeding;
  private boolean askedAgain;
  // A gRPC response head kept back until its trailers show whether to retry.
  private HttpResponse heldHead;
  private boolean responding;
  private boolean done;

  private Retry(NewCall attempts, Exchange exchange, Responder up) {
    this.attempts = attempts;
    this.exchange = exchange;
    this.up = up;
    this.policy = exchange.route().retry();
    this.body = new RequestBody(!exchange.hasBody());
    this.count = new Attempts(policy, exchange.route().stats());
  }

  static Layer layer() {
    return next -> (exchange, up) -> new Retry(next, exchange, up);
  }

  @Override
  public void start() {
    policy.onRequest();
    nextAttempt();
  }

  private void nextAttempt() {
    count.begin();
    attemptReading = false;
    replayed = false;
    attempt = attempts.newCall(exchange, this);
    attempt.start();
  }

  // ---- the request body -----------------------------------------------------------------------

  @Override
  public void requestContent(HttpContent chunk) {
    if (done) {
      chunk.release();
      return;
    }
    body.record(chunk);
    if (attemptReading && !feeding && !body.holding()) {
      attempt.requestContent(chunk);
    } else {
      body.hold(chunk);
    }
  }

  @Override
  public void readRequest() {
    if (done) {
      return;
    }
    attemptReading = true;
    if (feeding) {
      askedAgain = true;
      return;
    }
    // Feed what the attempt has not seen: the whole body again on a retry, else what was held.
    feeding = true;
    askedAgain = true;
    HttpCall fed = attempt;
    if (count.isRetry() && !replayed) {
      replayed = true;
      body.dropHeld();
      askedAgain = false;
      body.replayTo(fed);
    } else {
      HttpContent chunk;
      while (fed == attempt && (chunk = body.poll()) != null) {
        askedAgain = false;
        fed.requestContent(chunk);
      }
    }
    feeding = false;
    if (fed != attempt) {
      // The attempt failed while being fed and a new one started, whose ask was put off.
      if (attemptReading && !done) {
        readRequest();
      }
      return;
    }
    // Read on only if the attempt asked after the last chunk (it may be waiting for writability).
    if (askedAgain && !done && !body.complete()) {
      up.readRequest();
    }
  }

  // ---- the response ---------------------------------------------------------------------------

  @Override
  public void responseHead(HttpResponse head) {
    int status = head.status().code();
    int grpcStatus = exchange.grpc() ? Grpc.status(head.headers()) : -1;
    if ((policy.retriesStatus(status) || exchange.grpc() && policy.retriesGrpc(grpcStatus))
        && count.retry(body)) {
      boolean ended = head instanceof LastHttpContent;
      ReferenceCountUtil.release(head);
      retry(!ended);
      return;
    }
    if (exchange.grpc()
        && grpcStatus < 0
        && policy.limit() > 0
        && body.complete()
        && body.replayable()
        && !(head instanceof LastHttpContent)) {
      // gRPC reports errors in trailers: hold the head until we see whether trailers follow.
      heldHead = head;
      attempt.readResponse();
      return;
    }
    forwardHead(head);
  }

  @Override
  public void responseContent(HttpContent chunk) {
    if (heldHead != null) {
      HttpResponse head = heldHead;
      heldHead = null;
      if (chunk instanceof LastHttpContent last
          && !chunk.content().isReadable()
          && policy.retriesGrpc(Grpc.status(last.trailingHeaders()))
          && count.retry(body)) {
        chunk.release();
        ReferenceCountUtil.release(head);
        retry(false); // the attempt has ended with its trailers
        return;
      }
      forwardHead(head);
    }
    if (chunk instanceof LastHttpContent) {
      finish();
    }
    up.responseContent(chunk);
  }

  private void forwardHead(HttpResponse head) {
    responding = true;
    if (head instanceof LastHttpContent) {
      finish();
    }
    up.responseHead(head);
  }

  @Override
  public void fail(Throwable cause) {
    if (responding) {
      finish();
      up.fail(cause);
      return;
    }
    ReferenceCountUtil.release(heldHead);
    heldHead = null;
    if (cause instanceof UpstreamException e && e.isConnectFailure()) {
      // Nothing was sent: another endpoint may take the request whatever its body or method.
      if (count.reconnect()) {
        nextAttempt();
        return;
      }
    } else if (retries(cause)) {
      retry(false);
      return;
    }
    finish();
    up.fail(cause);
  }

  /** Whether an attempt that failed before its response began is tried again. */
  private boolean retries(Throwable cause) {
    return switch (cause) {
      // A reused keep-alive connection that the server was closing: an idempotent request is safe
      // to send again once (as browsers and HTTP clients do), whatever the route's policy.
      // HTTP/2 REFUSED_STREAM or GOAWAY: the endpoint did nothing with the request (RFC 9113
      // section 8.7), so any method goes again, on another stream or connection, whatever the
      // route's policy and budget.
      case UpstreamException e when e.isRefused() -> count.refusedRetry(body);
      case UpstreamException e ->
          e.isStaleConnection() && count.staleConnectionRetry(exchange.request().method(), body)
              || policy.retriesConnectFailures() && count.retry(body);
      // The request went out and may be in the works: only a method that is safe to apply twice
      // is sent again (RFC 9110 section 9.2.2).
      case RouteTimeoutException e ->
          e.kind() == RouteTimeoutException.Kind.RESPONSE_HEADERS_TIMEOUT
              && Attempts.idempotent(exchange.request().method())
              && count.retry(body);
      default -> false;
    };
  }

  /** Starts the next attempt, giving the current one up first if it is still running. */
  private void retry(boolean running) {
    if (running) {
      attempt.cancel(RETRIED);
    }
    exchange.route().stats().onRetry();
    nextAttempt();
  }

  @Override
  public void readResponse() {
    if (!done) {
      attempt.readResponse();
    }
  }

  @Override
  public void cancel(Throwable cause) {
    if (done) {
      return;
    }
    ReferenceCountUtil.release(heldHead);
    heldHead = null;
    finish();
    attempt.cancel(cause);
  }

  private void finish() {
    done = true;
    body.release();
  }
}
