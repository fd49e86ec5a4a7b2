package dev.updraft.mesh.stack;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.ForwardingCall;
import dev.updraft.mesh.http.Layer;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Responder;
import dev.updraft.mesh.http.UpstreamClient;

/**
 * Chooses the endpoint of each attempt from its backend's balancer (P2C over PeakEWMA, with
 * Linkerd's queue and fail-fast in front): the attempt waits in the queue when no endpoint is
 * ready, fails with 504 (fail-fast) or 503 (load shed) when none becomes ready, and avoids the
 * endpoint the last attempt failed on.
 */
final class Balance extends ForwardingCall implements Balancer.Callback<UpstreamClient> {
  private Backend backend;
  private Balancer.Ticket ticket;
  private boolean done;

  private Balance(NewCall next, Exchange exchange, Responder up) {
    super(exchange, up);
    below(next);
  }

  static Layer layer() {
    return next -> (exchange, up) -> new Balance(next, exchange, up);
  }

  @Override
  public void start() {
    backend = exchange.backend();
    Balancer.Ticket queued = backend.balancer().acquire(exchange.lastEndpoint(backend), this);
    if (!done) {
      ticket = queued;
    }
  }

  /** The balancer's answer; it comes on any thread, so it hops onto the exchange's loop first. */
  @Override
  public void ready(Endpoint<UpstreamClient> endpoint) {
    if (!exchange.loop().inEventLoop()) {
      exchange.loop().execute(() -> ready(endpoint));
      return;
    }
    ticket = null;
    if (done) {
      return;
    }
    exchange.endpoint(backend, endpoint);
    inner.start();
  }

  @Override
  public void failed(RuntimeException cause) {
    if (!exchange.loop().inEventLoop()) {
      exchange.loop().execute(() -> failed(cause));
      return;
    }
    ticket = null;
    if (done) {
      return;
    }
    done = true;
    up.fail(cause);
  }

  @Override
  public void cancel(Throwable cause) {
    done = true;
    if (ticket != null) {
      ticket.cancel(); // leaves the queue
      ticket = null;
    }
    inner.cancel(cause);
  }
}
