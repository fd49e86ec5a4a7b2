package dev.updraft.mesh.config;

import java.time.Duration;

/**
 * A retry budget (Linkerd ServiceProfile defaults): retries may add at most {@code ratio} of the
 * requests seen in the last {@code ttl}, plus {@code minPerSecond}.
 */
public record BudgetConfig(Double ratio, Integer minPerSecond, Duration ttl) {
  public static final BudgetConfig DEFAULT = new BudgetConfig(null, null, null);

  public BudgetConfig {
    ratio = ratio == null ? 0.2 : ratio;
    minPerSecond = minPerSecond == null ? 10 : minPerSecond;
    ttl = ttl == null ? Duration.ofSeconds(10) : ttl;
    if (ratio < 0 || ratio > 1000) {
      throw new MeshConfigException("retry.budget.ratio: " + ratio + " (expected: 0..1000)");
    }
    if (minPerSecond < 0) {
      throw new MeshConfigException(
          "retry.budget.minPerSecond: " + minPerSecond + " (expected: >= 0)");
    }
    if (ttl.toMillis() < 1000 || ttl.toSeconds() > 60) {
      throw new MeshConfigException(
          "retry.budget.ttl: " + Durations.format(ttl) + " (expected: 1s..60s)");
    }
  }
}
