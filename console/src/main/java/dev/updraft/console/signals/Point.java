package dev.updraft.console.signals;

/**
 * A route's golden signals over one window ending at {@code epochMillis}: requests per second, the
 * share of responses that succeeded (NaN without responses), and latency quantiles in milliseconds
 * (NaN without responses).
 */
public record Point(
    long epochMillis, double rps, double successRate, double p50, double p95, double p99) {
  public Point {
    if (rps < 0 || Double.isNaN(rps)) {
      throw new IllegalArgumentException("rps: " + rps + " (expected: >= 0)");
    }
  }
}
