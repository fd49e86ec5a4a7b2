package dev.updraft.mesh.proxy;

import dev.updraft.mesh.balance.WeightedChoice;
import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.RouteConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.config.WeightedBackend;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Route;
import dev.updraft.mesh.http.RouteMatcher;
import dev.updraft.mesh.metrics.ProxyMetrics;
import dev.updraft.mesh.resilience.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** Builds run-time routes from their configuration and the backends they name. */
final class Routes {
  private Routes() {}

  static Route build(
      RouteConfig config,
      Map<String, Backend> backends,
      ProxyMetrics metrics,
      String direction,
      LongSupplier clock) {
    List<Backend> targets = new ArrayList<>();
    List<Integer> weights = new ArrayList<>();
    for (WeightedBackend ref : config.backends()) {
      targets.add(backends.get(ref.name()));
      weights.add(ref.weight());
    }
    String target = targets.size() == 1 ? targets.getFirst().name() : config.name();
    return new Route(
        config.name(),
        new RouteMatcher(config.match()),
        new WeightedChoice<>(targets, weights),
        new RetryPolicy(config.retry(), clock),
        config.timeouts(),
        metrics.route(
            direction,
            target,
            config.name(),
            targets.size() == 1 ? targets.getFirst().config().identity() : null));
  }

  /** The route a listener's default backend serves: everything, no retries, no timeouts. */
  static Route fallback(
      Backend backend, ProxyMetrics metrics, String direction, LongSupplier clock) {
    RouteConfig config =
        new RouteConfig(
            "default",
            null,
            List.of(new WeightedBackend(backend.name(), 1)),
            TimeoutConfig.NONE,
            RetryConfig.NONE);
    return build(config, Map.of(backend.name(), backend), metrics, direction, clock);
  }
}
