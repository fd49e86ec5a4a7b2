package dev.updraft.mesh.config;

import java.time.Duration;

/**
 * PeakEWMA settings (Linkerd's policy-controller defaults).
 *
 * @param defaultRtt the RTT assumed for an endpoint before it has answered (30 ms)
 * @param decay how fast old RTT samples fade (10 s)
 */
public record BalancerConfig(Duration defaultRtt, Duration decay) {
  public static final BalancerConfig DEFAULT = new BalancerConfig(null, null);

  public BalancerConfig {
    defaultRtt = defaultRtt == null ? Duration.ofMillis(30) : defaultRtt;
    decay = decay == null ? Duration.ofSeconds(10) : decay;
    if (defaultRtt.toNanos() < 1_000_000) {
      throw new MeshConfigException(
          "balancer.defaultRtt: " + Durations.format(defaultRtt) + " (expected: >= 1ms)");
    }
    if (decay.isNegative() || decay.isZero()) {
      throw new MeshConfigException(
          "balancer.decay: " + Durations.format(decay) + " (expected: > 0)");
    }
  }
}
