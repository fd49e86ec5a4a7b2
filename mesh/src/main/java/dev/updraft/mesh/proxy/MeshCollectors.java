package dev.updraft.mesh.proxy;

import dev.updraft.mesh.balance.Endpoint;
import dev.updraft.mesh.metrics.MetricsRegistry;
import dev.updraft.mesh.transport.Transport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Metrics read from live state at scrape time: balancer endpoints by state (Linkerd's
 * outbound_http_balancer_endpoints), breaker states, queue lengths, and process figures.
 */
final class MeshCollectors {
  private static final long PAGE_SIZE = 4096;

  private final MetricsRegistry registry;
  private final Supplier<Collection<BackendSet>> backends;
  private final Transport transport;
  private final long startSeconds = System.currentTimeMillis() / 1000;

  MeshCollectors(
      MetricsRegistry registry, Supplier<Collection<BackendSet>> backends, Transport transport) {
    this.registry = registry;
    this.backends = backends;
    this.transport = transport;
  }

  void register() {
    registry.collector(this::balancers);
    registry.collector(this::process);
  }

  private void balancers(StringBuilder out) {
    long now = System.nanoTime();
    StringBuilder endpoints = new StringBuilder();
    StringBuilder breakers = new StringBuilder();
    StringBuilder queues = new StringBuilder();
    StringBuilder rtts = new StringBuilder();
    for (BackendSet set : backends.get()) {
      var balancer = set.backend().balancer();
      int ready = 0;
      int pending = 0;
      for (Endpoint<?> e : balancer.endpoints()) {
        if (e.isReady(now)) {
          ready++;
        } else {
          pending++;
        }
        String state = e.breaker().state().name().toLowerCase(Locale.ROOT);
        breakers
            .append("outbound_http_balancer_endpoint_breaker_state{backend=\"")
            .append(balancer.name())
            .append("\",endpoint=\"")
            .append(e.label())
            .append("\",state=\"")
            .append(state)
            .append("\"} 1\n");
        rtts.append("outbound_http_balancer_endpoint_rtt_ewma_ms{backend=\"")
            .append(balancer.name())
            .append("\",endpoint=\"")
            .append(e.label())
            .append("\"} ")
            .append(e.rttEstimateMillis())
            .append('\n');
      }
      endpoints
          .append("outbound_http_balancer_endpoints{backend=\"")
          .append(balancer.name())
          .append("\",endpoint_state=\"ready\"} ")
          .append(ready)
          .append('\n')
          .append("outbound_http_balancer_endpoints{backend=\"")
          .append(balancer.name())
          .append("\",endpoint_state=\"pending\"} ")
          .append(pending)
          .append('\n');
      queues
          .append("outbound_http_balancer_queue_length{backend=\"")
          .append(balancer.name())
          .append("\"} ")
          .append(balancer.queueLength())
          .append('\n');
    }
    family(out, "outbound_http_balancer_endpoints", "gauge", "Endpoints by readiness.", endpoints);
    family(
        out,
        "outbound_http_balancer_endpoint_breaker_state",
        "gauge",
        "Circuit breaker state of each endpoint (closed, open, probing).",
        breakers);
    family(
        out,
        "outbound_http_balancer_endpoint_rtt_ewma_ms",
        "gauge",
        "PeakEWMA round-trip estimate of each endpoint, in milliseconds.",
        rtts);
    family(
        out,
        "outbound_http_balancer_queue_length",
        "gauge",
        "Requests waiting for a ready endpoint.",
        queues);
  }

  private void process(StringBuilder out) {
    family(
        out,
        "process_start_time_seconds",
        "gauge",
        "Time the process started, in seconds since the epoch.",
        new StringBuilder("process_start_time_seconds " + startSeconds + "\n"));
    long rss = residentBytes();
    if (rss > 0) {
      family(
          out,
          "process_resident_memory_bytes",
          "gauge",
          "Resident memory size in bytes.",
          new StringBuilder("process_resident_memory_bytes " + rss + "\n"));
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    family(
        out,
        "jvm_memory_heap_used_bytes",
        "gauge",
        "Java heap in use, in bytes.",
        new StringBuilder("jvm_memory_heap_used_bytes " + heap.getUsed() + "\n"));
    family(
        out,
        "proxy_build_info",
        "gauge",
        "Proxy build and runtime information.",
        new StringBuilder(
            "proxy_build_info{version=\"updraft\",java=\""
                + Runtime.version()
                + "\",transport=\""
                + transport.name()
                + "\"} 1\n"));
  }

  private static long residentBytes() {
    try {
      String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(statm[1]) * PAGE_SIZE;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void family(
      StringBuilder out, String name, String type, String help, StringBuilder samples) {
    if (samples.isEmpty()) {
      return;
    }
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    out.append(samples);
  }
}
