package dev.updraft.vmm.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.MetricsConfig;
import dev.updraft.vmm.metrics.Counters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes Firecracker's metrics: one JSON object per line on the metrics path, with {@code
 * utc_timestamp_ms}, the VMM's groups ({@link VmmMetrics}), every device group the running VM
 * reports, and {@code block}/{@code net} aggregates of the per-device groups as Firecracker emits
 * them. Counter groups are drained by each line. Lines the destination cannot take are counted in
 * {@code logger.missed_metrics_count}.
 */
public final class MetricsWriter {
  private static final JsonFactory JSON = new JsonFactory();
  // Firecracker sums its per-device groups into these (block_<id> -> block, net_<id> -> net,
  // pmem_<id> -> pmem).
  private static final List<String> AGGREGATED_KINDS = List.of("block", "net", "pmem");

  private final VmmMetrics metrics;
  private final String instanceId;
  private final Clock clock;
  private MetricsConfig config;
  private LineSink sink;

  public MetricsWriter(VmmMetrics metrics, String instanceId) {
    this(metrics, instanceId, Clock.systemUTC());
  }

  MetricsWriter(VmmMetrics metrics, String instanceId, Clock clock) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Starts writing to {@code config}'s path. Like Firecracker's, the metrics system is configured
   * once per process.
   *
   * @throws ConfigException if it already is, or the path cannot be opened
   */
  public void configure(MetricsConfig config) {
    synchronized (this) {
      if (this.config != null) {
        throw new ConfigException("Reinitialization of metrics not allowed.");
      }
    }
    configure(config, FileSink.open("metrics_path", config.metricsPath()));
  }

  synchronized void configure(MetricsConfig config, LineSink sink) {
    if (this.config != null) {
      sink.close();
      throw new ConfigException("Reinitialization of metrics not allowed.");
    }
    this.config = config;
    this.sink = sink;
  }

  public synchronized Optional<MetricsConfig> config() {
    return Optional.ofNullable(config);
  }

  /**
   * Writes one line with the VMM's groups and {@code deviceGroups}, draining their counters.
   *
   * @return false if metrics are not configured or the line was dropped
   */
  public synchronized boolean flush(List<Counters> deviceGroups) {
    if (config == null) {
      return false;
    }
    if (sink.write(line(deviceGroups))) {
      return true;
    }
    metrics.logger().increment("missed_metrics_count");
    return false;
  }

  /** Closes the metrics path; later flushes write nothing. */
  public synchronized void close() {
    if (sink != null) {
      sink.close();
    }
  }

  byte[] line(List<Counters> deviceGroups) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("utc_timestamp_ms", clock.millis());
      if (config.emitId()) {
        json.writeStringField("id", instanceId);
      }
      for (Counters group : metrics.storedGroups()) {
        writeGroup(json, group.group(), group.snapshot());
      }
      for (Counters group : metrics.countedGroups()) {
        writeGroup(json, group.group(), group.drain());
      }
      Map<String, Map<String, Long>> devices = new LinkedHashMap<>();
      for (Counters group : deviceGroups) {
        devices.merge(group.group(), group.drain(), MetricsWriter::sum);
      }
      for (String kind : AGGREGATED_KINDS) {
        Map<String, Long> total = aggregate(devices, kind);
        if (total != null && !devices.containsKey(kind)) {
          writeGroup(json, kind, total);
        }
      }
      for (Map.Entry<String, Map<String, Long>> group : devices.entrySet()) {
        writeGroup(json, group.getKey(), group.getValue());
      }
      if (!config.properties().isEmpty()) {
        json.writeObjectFieldStart("properties");
        for (Map.Entry<String, String> property : config.properties().entrySet()) {
          json.writeStringField(property.getKey(), property.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("metrics line", e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** The sum of the {@code <kind>_<id>} groups, or null if there are none. */
  private static Map<String, Long> aggregate(Map<String, Map<String, Long>> devices, String kind) {
    Map<String, Long> total = null;
    for (Map.Entry<String, Map<String, Long>> group : devices.entrySet()) {
      if (group.getKey().startsWith(kind + "_")) {
        total =
            total == null ? new LinkedHashMap<>(group.getValue()) : sum(total, group.getValue());
      }
    }
    return total;
  }

  private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> total = new LinkedHashMap<>(a);
    b.forEach((name, value) -> total.merge(name, value, Long::sum));
    return total;
  }

  private static void writeGroup(JsonGenerator json, String name, Map<String, Long> values)
      throws IOException {
    json.writeObjectFieldStart(name);
    for (Map.Entry<String, Long> value : values.entrySet()) {
      json.writeNumberField(value.getKey(), value.getValue());
    }
    json.writeEndObject();
  }
}
