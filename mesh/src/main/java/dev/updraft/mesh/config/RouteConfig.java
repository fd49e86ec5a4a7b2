package dev.updraft.mesh.config;

import java.util.List;

/**
 * An HTTP route: a match, the backends that serve it by weight, timeouts and retries.
 *
 * @param name for metrics and errors
 * @param match what requests the route takes (all, when absent)
 * @param backends weighted backends; weights split traffic
 * @param timeouts route timeouts
 * @param retry retry policy (none when absent)
 */
public record RouteConfig(
    String name,
    MatchConfig match,
    List<WeightedBackend> backends,
    TimeoutConfig timeouts,
    RetryConfig retry) {
  public RouteConfig {
    name = name == null ? "default" : name;
    match = match == null ? MatchConfig.ANY : match;
    if (backends == null || backends.isEmpty()) {
      throw new MeshConfigException(
          "routes[" + name + "].backends: empty (expected: at least one backend)");
    }
    backends = List.copyOf(backends);
    if (backends.stream().mapToInt(WeightedBackend::weight).sum() <= 0) {
      throw new MeshConfigException(
          "routes[" + name + "].backends: all weights are 0 (expected: a positive total)");
    }
    timeouts = timeouts == null ? TimeoutConfig.NONE : timeouts;
    retry = retry == null ? RetryConfig.NONE : retry;
  }
}
