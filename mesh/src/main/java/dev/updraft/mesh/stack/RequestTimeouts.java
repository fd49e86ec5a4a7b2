package dev.updraft.mesh.stack;

import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.ForwardingCall;
import dev.updraft.mesh.http.Layer;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Responder;
import dev.updraft.mesh.http.RouteTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A route's whole-request timeout and its idle timeout (no bytes either way for that long): when
 * one fires, the request below is cancelled and the client gets 504, or a cut-off response if it
 * had begun. Above the retry layer, so retries count against the same deadline. Routes without
 * these timeouts skip the layer.
 */
final class RequestTimeouts extends ForwardingCall {
  private final TimeoutConfig timeouts;
  private ScheduledFuture<?> requestTimer;
  private ScheduledFuture<?> idleTimer;
  private long lastActivity;
  private boolean done;

  private RequestTimeouts(NewCall next, Exchange exchange, Responder up) {
    super(exchange, up);
    this.timeouts = exchange.route().timeouts();
    below(next);
  }

  static Layer layer() {
    return next ->
        (exchange, up) -> {
          TimeoutConfig t = exchange.route().timeouts();
          return t.request() == null && t.idle() == null
              ? next.newCall(exchange, up)
              : new RequestTimeouts(next, exchange, up);
        };
  }

  @Override
  public void start() {
    if (timeouts.request() != null) {
      requestTimer =
          exchange
              .loop()
              .schedule(
                  () -> timedOut(RouteTimeoutException.Kind.REQUEST_TIMEOUT, timeouts.request()),
                  timeouts.request().toNanos(),
                  TimeUnit.NANOSECONDS);
    }
    if (timeouts.idle() != null) {
      lastActivity = exchange.now();
      idleTimer =
          exchange
              .loop()
              .schedule(this::checkIdle, timeouts.idle().toNanos(), TimeUnit.NANOSECONDS);
    }
    inner.start();
  }

  // One timer per request, re-armed for the remaining time, instead of one per chunk.
  private void checkIdle() {
    if (done) {
      return;
    }
    long idle = timeouts.idle().toNanos();
    long quiet = exchange.now() - lastActivity;
    if (quiet >= idle) {
      timedOut(RouteTimeoutException.Kind.IDLE_TIMEOUT, timeouts.idle());
    } else {
      idleTimer = exchange.loop().schedule(this::checkIdle, idle - quiet, TimeUnit.NANOSECONDS);
    }
  }

  private void timedOut(RouteTimeoutException.Kind kind, Duration after) {
    if (done) {
      return;
    }
    stop();
    RouteTimeoutException timeout = new RouteTimeoutException(kind, after);
    inner.cancel(timeout);
    up.fail(timeout);
  }

  private void active() {
    if (idleTimer != null) {
      lastActivity = exchange.now();
    }
  }

  @Override
  public void requestContent(HttpContent chunk) {
    active();
    inner.requestContent(chunk);
  }

  @Override
  public void cancel(Throwable cause) {
    stop();
    inner.cancel(cause);
  }

  @Override
  public void responseHead(HttpResponse head) {
    active();
    if (head instanceof LastHttpContent) {
      stop();
    }
    up.responseHead(head);
  }

  @Override
  public void responseContent(HttpContent chunk) {
    active();
    if (chunk instanceof LastHttpContent) {
      stop();
    }
    up.responseContent(chunk);
  }

  @Override
  public void fail(Throwable cause) {
    stop();
    up.fail(cause);
  }

  private void stop() {
    done = true;
    stopTimer(requestTimer);
    stopTimer(idleTimer);
  }

  private static void stopTimer(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
