package dev.updraft.mesh.metrics;

/**
 * The proxy's metric families, with linkerd2-proxy's names, labels and latency buckets, so that
 * Linkerd dashboards and alerts read them unchanged.
 */
public final class ProxyMetrics {
  final Family<Counter> requestTotal;
  final Family<Counter> responseTotal;
  final Family<Histogram> responseLatency;
  final Family<Counter> tcpOpenTotal;
  final Family<Gauge> tcpOpenConnections;
  final Family<Counter> tcpReadBytes;
  final Family<Counter> tcpWriteBytes;
  final Family<Counter> tcpCloseTotal;
  final Family<Counter> retryRequests;
  final Family<Counter> retryLimitExceeded;
  final Family<Counter> retryOverflow;
  final Family<Counter> detectTotal;
  private final MetricsRegistry registry;

  public ProxyMetrics(MetricsRegistry registry) {
    this.registry = registry;
    // Linkerd's TLS labels: tls ("true" or "no_identity"), the client's identity on inbound
    // requests, the server's on outbound ones.
    String[] route = {"direction", "target_addr", "route", "tls", "client_id", "server_id"};
    requestTotal = registry.counter("request_total", "Total count of HTTP requests.", route);
    responseTotal =
        registry.counter(
            "response_total",
            "Total count of HTTP responses.",
            "direction",
            "target_addr",
            "route",
            "tls",
            "client_id",
            "server_id",
            "status_code",
            "classification",
            "error");
    responseLatency =
        registry.histogram(
            "response_latency_ms",
            "Elapsed times between a request's headers being received and its response stream"
                + " beginning, in milliseconds.",
            Histogram.LATENCY_MS_BOUNDS,
            "direction",
            "target_addr",
            "route",
            "tls",
            "client_id",
            "server_id",
            "status_code");
    String[] peer = {"direction", "peer"};
    tcpOpenTotal = registry.counter("tcp_open_total", "Total count of opened connections.", peer);
    tcpOpenConnections =
        registry.gauge("tcp_open_connections", "Number of currently-open connections.", peer);
    tcpReadBytes =
        registry.counter("tcp_read_bytes_total", "Total count of bytes read from peers.", peer);
    tcpWriteBytes =
        registry.counter("tcp_write_bytes_total", "Total count of bytes written to peers.", peer);
    tcpCloseTotal =
        registry.counter(
            "tcp_close_total",
            "Total count of closed connections.",
            "direction",
            "peer",
            "classification");
    String[] retry = {"direction", "route"};
    retryRequests =
        registry.counter(
            "outbound_http_route_retry_requests_total", "Retried HTTP requests.", retry);
    retryLimitExceeded =
        registry.counter(
            "outbound_http_route_retry_limit_exceeded_total",
            "Requests whose retries were exhausted or refused by the budget.",
            retry);
    retryOverflow =
        registry.counter(
            "outbound_http_route_retry_overflow_total",
            "Requests not retried because their body exceeded the replay buffer.",
            retry);
    detectTotal =
        registry.counter(
            "tcp_detect_protocol_total",
            "Connections by the protocol detection found.",
            "direction",
            "protocol");
  }

  public MetricsRegistry registry() {
    return registry;
  }

  /** Counters for one route towards one target, looked up once. */
  public RouteStats route(String direction, String target, String route) {
    return route(direction, target, route, null);
  }

  /**
   * Counters for one route towards one target whose endpoints present {@code serverId} over mesh
   * TLS (null: plaintext).
   */
  public RouteStats route(String direction, String target, String route, String serverId) {
    return new RouteStats(
        this,
        direction,
        target,
        route,
        serverId == null ? RouteStats.NO_IDENTITY : "true",
        "",
        serverId == null ? "" : serverId);
  }

  /** Counters for connections of one direction and peer side ({@code src} or {@code dst}). */
  public ConnectionStats connections(String direction, String peer) {
    return new ConnectionStats(this, direction, peer);
  }

  public void detected(String direction, String protocol) {
    detectTotal.labels(direction, protocol).inc();
  }
}
