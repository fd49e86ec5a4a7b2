package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.ForwardingCall;
import dev.updraft.mesh.http.Layer;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Responder;
import dev.updraft.mesh.http.RouteTimeoutException;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A route's per-attempt timeout from sending the request to the response head. It sits just above
 * the upstream stream, so it starts when the request goes out; when it fires, the attempt is
 * abandoned and the retry layer may try another endpoint. Routes without it skip the layer.
 */
final class ResponseHeadersTimeout extends ForwardingCall implements Runnable {
  private final Duration timeout;
  private ScheduledFuture<?> timer;
  private boolean done;

  private ResponseHeadersTimeout(NewCall next, Exchange exchange, Responder up, Duration timeout) {
    super(exchange, up);
    this.timeout = timeout;
    below(next);
  }

  static Layer layer() {
    return next ->
        (exchange, up) -> {
          Duration timeout = exchange.route().timeouts().responseHeaders();
          return timeout == null
              ? next.newCall(exchange, up)
              : new ResponseHeadersTimeout(next, exchange, up, timeout);
        };
  }

  @Override
  public void start() {
    timer = exchange.loop().schedule(this, timeout.toNanos(), TimeUnit.NANOSECONDS);
    inner.start();
  }

  /** The timer fired. */
  @Override
  public void run() {
    if (done) {
      return;
    }
    done = true;
    RouteTimeoutException timedOut =
        new RouteTimeoutException(RouteTimeoutException.Kind.RESPONSE_HEADERS_TIMEOUT, timeout);
    inner.cancel(timedOut);
    up.fail(timedOut);
  }

  @Override
  public void responseHead(HttpResponse head) {
    stop();
    up.responseHead(head);
  }

  @Override
  public void fail(Throwable cause) {
    stop();
    up.fail(cause);
  }

  @Override
  public void cancel(Throwable cause) {
    stop();
    inner.cancel(cause);
  }

  private void stop() {
    done = true;
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
