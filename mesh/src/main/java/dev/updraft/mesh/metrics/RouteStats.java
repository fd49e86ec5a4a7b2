package dev.updraft.mesh.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Request metrics for one (direction, target, route): the counters are resolved once, response
 * counters lazily per status code, so recording a response costs a few array reads and adds.
 */
public final class RouteStats {
  private static final int STATUSES = 600;

  private final ProxyMetrics metrics;
  private final String direction;
  private final String target;
  private final String route;
  private final Counter requests;
  private final AtomicReferenceArray<Counter> successes = new AtomicReferenceArray<>(STATUSES);
  private final AtomicReferenceArray<Counter> failures = new AtomicReferenceArray<>(STATUSES);
  private final AtomicReferenceArray<Histogram> latencies = new AtomicReferenceArray<>(STATUSES);
  private final Counter retries;
  private final Counter retriesExhausted;
  private final Counter retryOverflow;

  RouteStats(ProxyMetrics metrics, String direction, String target, String route) {
    this.metrics = metrics;
    this.direction = direction;
    this.target = target;
    this.route = route;
    this.requests = metrics.requestTotal.labels(direction, target, route);
    this.retries = metrics.retryRequests.labels(direction, route);
    this.retriesExhausted = metrics.retryLimitExceeded.labels(direction, route);
    this.retryOverflow = metrics.retryOverflow.labels(direction, route);
  }

  public void onRequest() {
    requests.inc();
  }

  /** The response head reached the client after {@code latencyNanos}. */
  public void onResponseStart(int status, long latencyNanos) {
    int s = clamp(status);
    Histogram h = latencies.get(s);
    if (h == null) {
      h = metrics.responseLatency.labels(direction, target, route, Integer.toString(s));
      latencies.set(s, h);
    }
    h.observeNanos(latencyNanos);
  }

  /** The response ended; {@code error} names a proxy-synthesized failure, or is empty. */
  public void onResponseEnd(int status, boolean success, String error) {
    int s = clamp(status);
    if (!error.isEmpty()) {
      metrics
          .responseTotal
          .labels(direction, target, route, Integer.toString(s), "failure", error)
          .inc();
      return;
    }
    AtomicReferenceArray<Counter> cache = success ? successes : failures;
    Counter c = cache.get(s);
    if (c == null) {
      c =
          metrics.responseTotal.labels(
              direction, target, route, Integer.toString(s), success ? "success" : "failure", "");
      cache.set(s, c);
    }
    c.inc();
  }

  public void onRetry() {
    retries.inc();
  }

  public void onRetriesExhausted() {
    retriesExhausted.inc();
  }

  public void onRetryOverflow() {
    retryOverflow.inc();
  }

  private static int clamp(int status) {
    return status < 0 || status >= STATUSES ? 0 : status;
  }
}
