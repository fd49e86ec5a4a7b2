package dev.updraft.mesh.stack;

import dev.updraft.mesh.balance.WeightedChoice;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.ForwardingCall;
import dev.updraft.mesh.http.Layer;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Responder;

/**
 * Picks the backend of each attempt from the route's weighted split (Linkerd's distribute): the
 * attempt keeps it, so its protocol and its balancer are that backend's. A route with one backend
 * skips the layer.
 */
final class Distribute extends ForwardingCall {
  private final WeightedChoice<Backend> backends;

  private Distribute(NewCall next, Exchange exchange, Responder up) {
    super(exchange, up);
    this.backends = exchange.route().backends();
    below(next);
  }

  static Layer layer() {
    return next ->
        (exchange, up) -> {
          WeightedChoice<Backend> backends = exchange.route().backends();
          if (backends.targets().size() == 1) {
            exchange.backend(backends.targets().getFirst());
            return next.newCall(exchange, up);
          }
          return new Distribute(next, exchange, up);
        };
  }

  @Override
  public void start() {
    exchange.backend(backends.pick(exchange.context().random()));
    inner.start();
  }
}
