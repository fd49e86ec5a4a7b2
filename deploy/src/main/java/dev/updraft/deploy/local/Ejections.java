package dev.updraft.deploy.local;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.balance.Breaker;
import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.proxy.MeshProxy;

/**
 * Passive health as the embedded mesh sees it: whether an instance's endpoint is out of its
 * service's balancer because its breaker opened (consecutive failures or timeouts) and no probe has
 * succeeded since.
 */
final class Ejections {
  private Ejections() {}

  /**
   * Why the router sends {@code process} nothing now, or null when it may; {@code routedPort} is
   * where the router sends the process's traffic (its inbound mesh listener when meshed).
   */
  static String of(MeshProxy mesh, Protocol.ProcessStatus process, int routedPort) {
    if (process.port() == 0) {
      return null;
    }
    Balancer<?> balancer = mesh.balancer(process.service());
    if (balancer == null) {
      return null;
    }
    for (Endpoint<?> endpoint : balancer.endpoints()) {
      if (endpoint.address().getPort() != routedPort) {
        continue;
      }
      Breaker.State state = endpoint.breaker().state();
      return switch (state) {
        case CLOSED -> null;
        case OPEN ->
            "ejected by the router: it failed or timed out too often in a row; it returns once"
                + " a probe succeeds";
        case PROBING -> "ejected by the router: a probe request is in flight";
      };
    }
    return null;
  }
}
