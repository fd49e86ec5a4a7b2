package dev.updraft.mesh.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A metric family: a name, a type, label names, and one child per distinct label values. Callers
 * look a child up once and keep it, so the request path does no map lookups.
 */
public final class Family<T> {
  enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  private final String name;
  private final String help;
  private final Type type;
  private final String[] labelNames;
  private final Supplier<T> factory;
  private final Map<Labels, T> children = new ConcurrentHashMap<>();

  Family(String name, String help, Type type, String[] labelNames, Supplier<T> factory) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.labelNames = labelNames.clone();
    this.factory = factory;
  }

  /** The child for these label values (in the order of the label names), created on first use. */
  public T labels(String... values) {
    if (values.length != labelNames.length) {
      throw new IllegalArgumentException(
          name + " labels: " + values.length + " values (expected: " + labelNames.length + ")");
    }
    return children.computeIfAbsent(new Labels(values), k -> factory.get());
  }

  /** Drops a child, e.g. when an endpoint leaves its backend. */
  public void remove(String... values) {
    children.remove(new Labels(values));
  }

  void render(StringBuilder out) {
    if (children.isEmpty()) {
      return;
    }
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ")
        .append(name)
        .append(' ')
        .append(type.name().toLowerCase(Locale.ROOT))
        .append('\n');
    for (Map.Entry<Labels, T> child : children.entrySet()) {
      String[] values = child.getKey().values();
      switch (child.getValue()) {
        case Counter c -> sample(out, name, values, null, c.get());
        case Gauge g -> sample(out, name, values, null, g.get());
        case Histogram h -> histogram(out, values, h);
        default -> throw new IllegalStateException("unknown metric child " + child.getValue());
      }
    }
  }

  private void histogram(StringBuilder out, String[] values, Histogram h) {
    long[] cumulative = h.cumulative();
    long[] bounds = h.bounds();
    for (int i = 0; i < bounds.length; i++) {
      sample(out, name + "_bucket", values, "le=\"" + bounds[i] + "\"", cumulative[i]);
    }
    long count = cumulative[cumulative.length - 1];
    sample(out, name + "_bucket", values, "le=\"+Inf\"", count);
    out.append(name).append("_sum");
    Labels.render(out, labelNames, values, null);
    out.append(' ').append(h.sumMillis()).append('\n');
    sample(out, name + "_count", values, null, count);
  }

  private void sample(StringBuilder out, String metric, String[] values, String extra, long v) {
    out.append(metric);
    Labels.render(out, labelNames, values, extra);
    out.append(' ').append(v).append('\n');
  }
}
