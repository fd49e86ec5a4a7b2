package dev.updraft.mesh.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The families the admin server exposes at /metrics, in Prometheus text format 0.0.4. */
public final class MetricsRegistry {
  private final List<Family<?>> families = new CopyOnWriteArrayList<>();
  private final List<Consumer<StringBuilder>> collectors = new CopyOnWriteArrayList<>();

  public Family<Counter> counter(String name, String help, String... labelNames) {
    return register(new Family<>(name, help, Family.Type.COUNTER, labelNames, Counter::new));
  }

  public Family<Gauge> gauge(String name, String help, String... labelNames) {
    return register(new Family<>(name, help, Family.Type.GAUGE, labelNames, Gauge::new));
  }

  public Family<Histogram> histogram(
      String name, String help, long[] boundsMillis, String... labelNames) {
    long[] bounds = boundsMillis.clone();
    return register(
        new Family<>(name, help, Family.Type.HISTOGRAM, labelNames, () -> new Histogram(bounds)));
  }

  /** Adds text computed at scrape time (gauges read from live state, such as balancer sizes). */
  public void collector(Consumer<StringBuilder> collector) {
    collectors.add(collector);
  }

  public String render() {
    StringBuilder out = new StringBuilder(8192);
    for (Family<?> family : families) {
      family.render(out);
    }
    for (Consumer<StringBuilder> collector : collectors) {
      collector.accept(out);
    }
    return out.toString();
  }

  private <T> Family<T> register(Family<T> family) {
    families.add(family);
    return family;
  }
}
