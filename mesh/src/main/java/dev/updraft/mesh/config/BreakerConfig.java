package dev.updraft.mesh.config;

import java.time.Duration;

/**
 * Consecutive-failure circuit breaking per endpoint (Linkerd's failure-accrual defaults).
 *
 * @param maxFailures consecutive failures that open the breaker (7)
 * @param minPenalty first backoff before a probe (1 s)
 * @param maxPenalty longest backoff (60 s)
 * @param jitter random share added to each backoff, 0..1 (0.5)
 */
public record BreakerConfig(
    Integer maxFailures, Duration minPenalty, Duration maxPenalty, Double jitter) {
  public static final BreakerConfig DEFAULT = new BreakerConfig(null, null, null, null);

  public BreakerConfig {
    maxFailures = maxFailures == null ? 7 : maxFailures;
    minPenalty = minPenalty == null ? Duration.ofSeconds(1) : minPenalty;
    maxPenalty = maxPenalty == null ? Duration.ofSeconds(60) : maxPenalty;
    jitter = jitter == null ? 0.5 : jitter;
    if (maxFailures < 1) {
      throw new MeshConfigException("breaker.maxFailures: " + maxFailures + " (expected: >= 1)");
    }
    if (minPenalty.isNegative() || minPenalty.isZero() || maxPenalty.compareTo(minPenalty) < 0) {
      throw new MeshConfigException(
          "breaker.maxPenalty: "
              + Durations.format(maxPenalty)
              + " (expected: >= minPenalty "
              + Durations.format(minPenalty)
              + ", both > 0)");
    }
    if (jitter < 0 || jitter > 1) {
      throw new MeshConfigException("breaker.jitter: " + jitter + " (expected: 0..1)");
    }
  }
}
