package dev.updraft.mesh.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsRegistryTest {
  @Test
  void rendersLinkerdFamiliesInPrometheusTextFormat() {
    MetricsRegistry registry = new MetricsRegistry();
    ProxyMetrics metrics = new ProxyMetrics(registry);
    RouteStats stats = metrics.route("outbound", "web", "api");
    stats.onRequest();
    stats.onResponseStart(200, 2_500_000);
    stats.onResponseEnd(200, true, "");
    stats.onResponseEnd(504, false, "FAIL_FAST");
    metrics.connections("outbound", "src").onOpen();
    String text = registry.render();
    assertThat(text)
        .contains("# TYPE request_total counter")
        .contains(
            "request_total{direction=\"outbound\",target_addr=\"web\",route=\"api\",tls=\"no_identity\",client_id=\"\",server_id=\"\"} 1")
        .contains(
            "response_total{direction=\"outbound\",target_addr=\"web\",route=\"api\","
                + "tls=\"no_identity\",client_id=\"\",server_id=\"\","
                + "status_code=\"200\",classification=\"success\",error=\"\"} 1")
        .contains("error=\"FAIL_FAST\"} 1")
        .contains("# TYPE response_latency_ms histogram")
        .contains("status_code=\"200\",le=\"2\"} 0")
        .contains("status_code=\"200\",le=\"3\"} 1")
        .contains("le=\"+Inf\"} 1")
        .contains(
            "response_latency_ms_sum{direction=\"outbound\",target_addr=\"web\",route=\"api\",tls=\"no_identity\",client_id=\"\",server_id=\"\",status_code=\"200\"} 2.5")
        .contains("tcp_open_connections{direction=\"outbound\",peer=\"src\"} 1");
  }

  @Test
  void escapesLabelValues() {
    MetricsRegistry registry = new MetricsRegistry();
    registry.counter("x_total", "help", "l").labels("a\"b\\c\nd").inc();
    assertThat(registry.render()).contains("x_total{l=\"a\\\"b\\\\c\\nd\"} 1");
  }
}
