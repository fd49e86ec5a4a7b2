package dev.updraft.mesh.balance;

/**
 * Tower's PeakEWMA load estimate: an exponentially weighted moving average of response RTTs that
 * jumps to any sample above it (so a slow endpoint is penalised at once) and decays towards recent
 * samples with time constant {@code decay}. Load is the estimate times the requests in flight plus
 * one, so P2C prefers fast, idle endpoints.
 */
public final class PeakEwma {
  private final double decayNanos;
  private double estimateNanos;
  private long stampNanos;

  public PeakEwma(long defaultRttNanos, long decayNanos, long nowNanos) {
    this.decayNanos = decayNanos;
    this.estimateNanos = defaultRttNanos;
    this.stampNanos = nowNanos;
  }

  /** Records an RTT sample observed at {@code nowNanos}. */
  public synchronized void observe(long rttNanos, long nowNanos) {
    if (rttNanos > estimateNanos) {
      estimateNanos = rttNanos;
    } else {
      double w = weight(nowNanos);
      estimateNanos = estimateNanos * w + rttNanos * (1 - w);
    }
    stampNanos = Math.max(stampNanos, nowNanos);
  }

  /** The load: the RTT estimate decayed to now, times (in-flight + 1). */
  public synchronized double load(int pending, long nowNanos) {
    double w = weight(nowNanos);
    estimateNanos *= w;
    stampNanos = Math.max(stampNanos, nowNanos);
    return estimateNanos * (pending + 1);
  }

  /** The current estimate in nanoseconds, for metrics and tests. */
  public synchronized double estimateNanos() {
    return estimateNanos;
  }

  private double weight(long nowNanos) {
    long elapsed = Math.max(0, nowNanos - stampNanos);
    return Math.exp(-elapsed / decayNanos);
  }
}
