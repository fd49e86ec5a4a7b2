package dev.updraft.console.signals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of a router's metrics, reduced to what golden signals need per route: responses,
 * successful responses (Linkerd's {@code classification="success"}), and the cumulative latency
 * buckets of {@code response_latency_ms}, summed over status codes and targets.
 */
public record Snapshot(long epochMillis, Map<Route, Counts> routes) {
  /** A route of a listener and the backend it sends to ({@code target_addr}). */
  public record Route(String name, String target) implements Comparable<Route> {
    @Override
    public int compareTo(Route other) {
      int byName = name.compareTo(other.name);
      return byName != 0 ? byName : target.compareTo(other.target);
    }

    /** Whether traffic on this route concerns {@code service}: sent to it, or through it. */
    public boolean concerns(String service) {
      return target.equals(service) || name.equals(service) || name.startsWith(service + "-");
    }
  }

  /** A route's counters at one instant. */
  public record Counts(double responses, double successes, TreeMap<Double, Double> buckets) {}

  public Snapshot {
    routes = Map.copyOf(routes);
  }

  public static Snapshot of(long epochMillis, List<Exposition.Sample> samples) {
    Map<Route, double[]> totals = new HashMap<>();
    Map<Route, TreeMap<Double, Double>> buckets = new HashMap<>();
    for (Exposition.Sample s : samples) {
      Route route = route(s);
      switch (s.name()) {
        case "response_total" -> {
          double[] t = totals.computeIfAbsent(route, r -> new double[2]);
          t[0] += s.value();
          if (s.label("classification").equals("success")) {
            t[1] += s.value();
          }
        }
        case "response_latency_ms_bucket" -> {
          double le =
              s.label("le").equals("+Inf")
                  ? Double.POSITIVE_INFINITY
                  : Double.parseDouble(s.label("le"));
          buckets.computeIfAbsent(route, r -> new TreeMap<>()).merge(le, s.value(), Double::sum);
        }
        default -> {}
      }
    }
    Map<Route, Counts> routes = new HashMap<>();
    totals.forEach(
        (route, t) ->
            routes.put(
                route, new Counts(t[0], t[1], buckets.getOrDefault(route, new TreeMap<>()))));
    return new Snapshot(epochMillis, routes);
  }

  private static Route route(Exposition.Sample s) {
    return new Route(s.label("route"), s.label("target_addr"));
  }
}
