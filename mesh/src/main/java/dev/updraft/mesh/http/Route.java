package dev.updraft.mesh.http;

import dev.updraft.mesh.balance.WeightedChoice;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.metrics.RouteStats;
import dev.updraft.mesh.resilience.RetryPolicy;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A route at run time: its match, the weighted backends it splits traffic over, its retry policy,
 * timeouts and metrics.
 */
public record Route(
    String name,
    RouteMatcher matcher,
    WeightedChoice<Backend> backends,
    RetryPolicy retry,
    TimeoutConfig timeouts,
    RouteStats stats) {
  public boolean matches(HttpRequest request) {
    return matcher.matches(request);
  }
}
