package dev.updraft.console.signals;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Golden signals between two snapshots of the same router. */
public final class Signals {
  private Signals() {}

  /** The route's signals from {@code before} to {@code after}, or null if it has none. */
  public static Point between(Snapshot before, Snapshot after, Snapshot.Route route) {
    Snapshot.Counts b = before.routes().get(route);
    Snapshot.Counts a = after.routes().get(route);
    double seconds = (after.epochMillis() - before.epochMillis()) / 1000.0;
    if (a == null || seconds <= 0) {
      return null;
    }
    double responses = a.responses() - (b == null ? 0 : b.responses());
    double successes = a.successes() - (b == null ? 0 : b.successes());
    if (responses < 0) { // the router restarted: its counters began again
      return null;
    }
    TreeMap<Double, Double> delta = new TreeMap<>();
    for (Map.Entry<Double, Double> bucket : a.buckets().entrySet()) {
      double earlier = b == null ? 0 : b.buckets().getOrDefault(bucket.getKey(), 0.0);
      delta.put(bucket.getKey(), bucket.getValue() - earlier);
    }
    return new Point(
        after.epochMillis(),
        responses / seconds,
        responses == 0 ? Double.NaN : successes / responses,
        quantile(0.50, delta),
        quantile(0.95, delta),
        quantile(0.99, delta));
  }

  /**
   * The {@code q} quantile of cumulative buckets, interpolated linearly inside the bucket it falls
   * in, as Prometheus's {@code histogram_quantile} does; NaN without observations.
   */
  static double quantile(double q, NavigableMap<Double, Double> cumulative) {
    if (cumulative.isEmpty()) {
      return Double.NaN;
    }
    double total = cumulative.lastEntry().getValue();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= rank) {
        if (bucket.getKey().isInfinite()) {
          return lowerBound; // above the highest bound: its bound is all that is known
        }
        double inBucket = bucket.getValue() - lowerCount;
        return inBucket <= 0
            ? bucket.getKey()
            : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = bucket.getKey();
      lowerCount = bucket.getValue();
    }
    return lowerBound;
  }
}
