package dev.updraft.vmm.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /metrics} and {@code --metrics-path}: where the JSON metrics lines go.
 *
 * @param metricsPath a file or FIFO
 * @param emitId whether each line carries the instance id as a top-level {@code id}
 * @param properties operator-defined pairs emitted under {@code properties} on each line
 */
public record MetricsConfig(Path metricsPath, boolean emitId, Map<String, String> properties) {
  public MetricsConfig {
    Objects.requireNonNull(metricsPath, "metrics_path");
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  public static MetricsConfig of(Path metricsPath) {
    return new MetricsConfig(metricsPath, false, Map.of());
  }
}
