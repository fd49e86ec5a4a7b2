package dev.updraft.mesh.stack;

import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.config.Protocol;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.CancelledByClient;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.ForwardingCall;
import dev.updraft.mesh.http.Layer;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Responder;
import dev.updraft.mesh.http.Upstream;
import dev.updraft.mesh.http.UpstreamClient;
import dev.updraft.mesh.http.UpstreamException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Talks to the chosen endpoint (Linkerd's endpoint stack): gets an upstream from its client, a
 * pooled or new HTTP/1.1 connection or a stream on the shared HTTP/2 connection, in the protocol of
 * the attempt's backend, and tells the endpoint what the attempt showed, which is what the balancer
 * and the breaker decide by: requests in flight, connects that failed (backoff), the time to the
 * response head (PeakEWMA) and whether the response succeeded.
 *
 * <p>An attempt that ends without a response head (it failed, timed out, or was given up) is a
 * PeakEWMA sample too, of the time it took, as tower's PeakEWMA records a request when it ends
 * whatever its outcome: otherwise an endpoint that hangs keeps its fast estimate and keeps drawing
 * traffic until its breaker opens.
 */
final class Connect extends ForwardingCall implements UpstreamClient.Callback {
  private Backend backend;
  private Endpoint<UpstreamClient> endpoint;
  private boolean inFlight;
  private boolean done;
  private boolean answered;
  // This request is its endpoint's breaker probe: a cancel must hand the probe back.
  private boolean probe;
  private long startedAt;
  private long sentAt;
  private int status;

  private Connect(NewCall next, Exchange exchange, Responder up) {
    super(exchange, up);
    below(next);
  }

  static Layer layer() {
    return next -> (exchange, up) -> new Connect(next, exchange, up);
  }

  @Override
  public void start() {
    backend = exchange.backend();
    endpoint = exchange.endpoint();
    startedAt = exchange.now();
    sentAt = startedAt;
    probe = endpoint.start(startedAt);
    inFlight = true;
    endpoint.client().acquire(exchange.loop(), http2(), this);
  }

  private boolean http2() {
    Protocol protocol = backend.protocol();
    return !exchange.tunnel()
        && (exchange.grpc()
            || protocol == Protocol.HTTP2
            || protocol == Protocol.PRESERVE && exchange.fromHttp2());
  }

  /** The client's answer: on this loop for HTTP/1.1, on the shared connection's loop for HTTP/2. */
  @Override
  public void acquired(Upstream upstream) {
    if (!exchange.loop().inEventLoop()) {
      exchange.loop().execute(() -> acquired(upstream));
      return;
    }
    if (done) {
      upstream.release(!upstream.http2()); // unused: a new HTTP/1.1 connection joins the pool
      return;
    }
    endpoint.onConnected();
    exchange.upstream(upstream);
    sentAt = exchange.now();
    inner.start();
  }

  @Override
  public void failed(RuntimeException cause) {
    if (!exchange.loop().inEventLoop()) {
      exchange.loop().execute(() -> failed(cause));
      return;
    }
    if (done) {
      return;
    }
    done = true;
    inFlight = false;
    if (!(cause instanceof UpstreamException)) {
      // Shed while waiting for an HTTP/2 stream: the endpoint is busy, not failing.
      endpoint.onCancel(probe);
      up.fail(cause);
      return;
    }
    long now = exchange.now();
    endpoint.observeRtt(now - startedAt, now);
    backend.balancer().drainAt(endpoint.onConnectFailure(now));
    up.fail(cause);
  }

  /** Gave up (cancelled or timed out) while waiting for a stream: the client drops it. */
  @Override
  public boolean abandoned() {
    return done;
  }

  @Override
  public void responseHead(HttpResponse head) {
    long now = exchange.now();
    answered = true;
    endpoint.observeRtt(now - sentAt, now);
    status = head.status().code();
    if (head instanceof LastHttpContent last) {
      complete(Classify.success(exchange, status, last));
    }
    up.responseHead(head);
  }

  @Override
  public void responseContent(HttpContent chunk) {
    if (chunk instanceof LastHttpContent last) {
      complete(Classify.success(exchange, status, last));
    }
    up.responseContent(chunk);
  }

  @Override
  public void fail(Throwable cause) {
    if (cause instanceof UpstreamException e && e.isRefused() && inFlight && !done) {
      // Refused unprocessed (a stream limit, a graceful GOAWAY): busy, not failing.
      done = true;
      inFlight = false;
      endpoint.onCancel(probe);
    } else {
      complete(false);
    }
    up.fail(cause);
  }

  @Override
  public void cancel(Throwable cause) {
    if (!done && inFlight && cause instanceof CancelledByClient) {
      // The client went away: the request ends unjudged, the endpoint is not to blame.
      done = true;
      inFlight = false;
      endpoint.onCancel(probe);
    } else {
      complete(false);
    }
    inner.cancel(cause);
  }

  private void complete(boolean success) {
    done = true;
    if (!inFlight) {
      return;
    }
    inFlight = false;
    long now = exchange.now();
    if (!answered) {
      endpoint.observeRtt(now - sentAt, now); // from the send, or from the start while connecting
    }
    long until = endpoint.complete(success, now);
    if (until > 0) {
      backend.balancer().drainAt(until);
    }
  }
}
