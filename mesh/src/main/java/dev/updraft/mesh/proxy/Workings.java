package dev.updraft.mesh.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Route;
import dev.updraft.mesh.http.Router;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admin's {@code /workings}: the proxy's own state as JSON, for the web console and for people
 * with curl. Each backend's endpoints with their readiness, requests in flight, breaker state and
 * PeakEWMA round-trip estimate; each route of each listener with its backends and what its retry
 * budget allows now. The same figures as the gauges of {@code /metrics}, grouped as they belong.
 */
final class Workings {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Workings() {}

  static String json(Collection<BackendSet> backends, Map<String, Router> routers, long now) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode backendsNode = root.putArray("backends");
    backends.stream()
        .map(BackendSet::backend)
        .sorted(Comparator.comparing(Backend::name))
        .forEach(b -> backend(backendsNode.addObject(), b, now));
    ArrayNode routes = root.putArray("routes");
    new TreeMap<>(routers)
        .forEach(
            (listener, router) -> {
              if (router instanceof RouteTable table) {
                table.routes().forEach(r -> route(routes.addObject(), listener, r));
                if (table.fallback() != null) {
                  route(routes.addObject(), listener, table.fallback());
                }
              }
            });
    return root.toString();
  }

  private static void backend(ObjectNode node, Backend backend, long now) {
    node.put("name", backend.name());
    node.put("queue", backend.balancer().queueLength());
    ArrayNode endpoints = node.putArray("endpoints");
    for (Endpoint<?> e : backend.balancer().endpoints()) {
      ObjectNode endpoint = endpoints.addObject();
      endpoint.put("address", e.label());
      endpoint.put("ready", e.isReady(now));
      endpoint.put("inFlight", e.pending());
      endpoint.put("breaker", e.breaker().state().name().toLowerCase(Locale.ROOT));
      endpoint.put("ewmaMillis", e.rttEstimateMillis());
    }
  }

  private static void route(ObjectNode node, String listener, Route route) {
    node.put("listener", listener);
    node.put("name", route.name());
    ArrayNode targets = node.putArray("backends");
    route.backends().targets().forEach(b -> targets.add(b.name()));
    node.put("retryLimit", route.retry().limit());
    node.put("retryBudget", route.retry().budgetRemaining());
  }
}
