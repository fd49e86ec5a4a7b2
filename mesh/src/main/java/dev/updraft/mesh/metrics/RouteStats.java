package dev.updraft.mesh.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Request metrics for one (direction, target, route): the counters are resolved once, response
 * counters lazily per status code, so recording a response costs a few array reads and adds.
 */
public final class RouteStats {
  private static final int STATUSES = 600;

  static final String NO_IDENTITY = "no_identity";

  private final ProxyMetrics metrics;
  private final String direction;
  private final String target;
  private final String route;
  private final String tls;
  private final String clientId;
  private final String serverId;
  // Inbound: the same route's counters per client identity (few: the callers the policy admits).
  private final Map<String, RouteStats> clients = new ConcurrentHashMap<>();
  private final Counter requests;
  private final AtomicReferenceArray<Counter> successes = new AtomicReferenceArray<>(STATUSES);
  private final AtomicReferenceArray<Counter> failures = new AtomicReferenceArray<>(STATUSES);
  private final AtomicReferenceArray<Histogram> latencies = new AtomicReferenceArray<>(STATUSES);
  private final Counter retries;
  private final Counter retriesExhausted;
  private final Counter retryOverflow;

  RouteStats(
      ProxyMetrics metrics,
      String direction,
      String target,
      String route,
      String tls,
      String clientId,
      String serverId) {
    this.metrics = metrics;
    this.direction = direction;
    this.target = target;
    this.route = route;
    this.tls = tls;
    this.clientId = clientId;
    this.serverId = serverId;
    this.requests = metrics.requestTotal.labels(direction, target, route, tls, clientId, serverId);
    this.retries = metrics.retryRequests.labels(direction, route);
    this.retriesExhausted = metrics.retryLimitExceeded.labels(direction, route);
    this.retryOverflow = metrics.retryOverflow.labels(direction, route);
  }

  /**
   * This route's counters for a request of a client that came over mesh TLS ({@code tls}) with
   * {@code clientId} (null: none): Linkerd labels inbound requests with who sent them.
   */
  public RouteStats client(boolean tls, String clientId) {
    String id = clientId == null ? "" : clientId;
    String label = tls ? "true" : NO_IDENTITY;
    if (label.equals(this.tls) && id.equals(this.clientId)) {
      return this;
    }
    return clients.computeIfAbsent(
        label + " " + id,
        k -> new RouteStats(metrics, direction, target, route, label, id, serverId));
  }

  public void onRequest() {
    requests.inc();
  }

  /** The response head reached the client after {@code latencyNanos}. */
  public void onResponseStart(int status, long latencyNanos) {
    int s = clamp(status);
    Histogram h = latencies.get(s);
    if (h == null) {
      h =
          metrics.responseLatency.labels(
              direction, target, route, tls, clientId, serverId, Integer.toString(s));
      latencies.set(s, h);
    }
    h.observeNanos(latencyNanos);
  }

  /** The response ended; {@code error} names a proxy-synthesized failure, or is empty. */
  public void onResponseEnd(int status, boolean success, String error) {
    int s = clamp(status);
    if (!error.isEmpty()) {
      responseTotal(s, "failure", error).inc();
      return;
    }
    AtomicReferenceArray<Counter> cache = success ? successes : failures;
    Counter c = cache.get(s);
    if (c == null) {
      c = responseTotal(s, success ? "success" : "failure", "");
      cache.set(s, c);
    }
    c.inc();
  }

  private Counter responseTotal(int status, String classification, String error) {
    return metrics.responseTotal.labels(
        direction,
        target,
        route,
        tls,
        clientId,
        serverId,
        Integer.toString(status),
        classification,
        error);
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
