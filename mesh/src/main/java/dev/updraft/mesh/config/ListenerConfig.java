package dev.updraft.mesh.config;

import java.util.List;
import java.util.Objects;

/**
 * A port the proxy accepts connections on.
 *
 * @param name for metrics
 * @param address where to listen
 * @param mode explicit (send to routes and backends) or transparent (send to the address the client
 *     dialled, read with SO_ORIGINAL_DST after a netfilter REDIRECT)
 * @param direction {@code outbound} or {@code inbound}: the {@code direction} metric label
 * @param backend where requests go that no route takes, and opaque TCP in explicit mode
 * @param routes HTTP routes, tried in order
 */
public record ListenerConfig(
    String name,
    HostPort address,
    Mode mode,
    Direction direction,
    String backend,
    List<RouteConfig> routes) {
  /** Where a listener sends what it accepts. */
  public enum Mode {
    EXPLICIT,
    TRANSPARENT
  }

  /** The traffic direction, as Linkerd labels it. */
  public enum Direction {
    OUTBOUND,
    INBOUND
  }

  public ListenerConfig {
    Objects.requireNonNull(address, "address");
    name = name == null ? address.toString() : name;
    mode = mode == null ? Mode.EXPLICIT : mode;
    direction = direction == null ? Direction.OUTBOUND : direction;
    routes = routes == null ? List.of() : List.copyOf(routes);
    if (mode == Mode.EXPLICIT && backend == null && routes.isEmpty()) {
      throw new MeshConfigException(
          "listeners["
              + name
              + "]: no backend and no routes (expected: a default backend or routes in explicit"
              + " mode)");
    }
  }
}
