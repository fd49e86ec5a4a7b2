package dev.updraft.mesh.balance;

import dev.updraft.mesh.config.BreakerConfig;
import java.util.random.RandomGenerator;

/**
 * Linkerd's consecutive-failures breaker for one endpoint. Closed: failures are counted and a
 * success resets the count. After {@code maxFailures} in a row it opens for a backoff that starts
 * at {@code minPenalty}, doubles up to {@code maxPenalty} and carries jitter. When the backoff ends
 * it admits exactly one probe; the probe's success closes it, its failure reopens it with the next
 * backoff.
 */
public final class Breaker {
  /** The breaker's states as the metrics show them. */
  public enum State {
    CLOSED,
    OPEN,
    PROBING
  }

  private final int maxFailures;
  private final long minPenaltyNanos;
  private final long maxPenaltyNanos;
  private final double jitter;
  private final RandomGenerator random;

  private State state = State.CLOSED;
  private int failures;
  private long penaltyNanos;
  private long reopenAtNanos;
  private boolean probeInFlight;

  public Breaker(BreakerConfig config, RandomGenerator random) {
    this.maxFailures = config.maxFailures();
    this.minPenaltyNanos = config.minPenalty().toNanos();
    this.maxPenaltyNanos = config.maxPenalty().toNanos();
    this.jitter = config.jitter();
    this.random = random;
  }

  /** Whether a request may go to this endpoint now (an expired backoff allows one probe). */
  public synchronized boolean isReady(long nowNanos) {
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> nowNanos >= reopenAtNanos;
      case PROBING -> !probeInFlight;
    };
  }

  /**
   * Called when a request is sent here; an open breaker whose time is up turns into a probe.
   *
   * @return whether this request is the probe, which its caller must hand back to {@link
   *     #onProbeCancelled} if it ends unjudged
   */
  public synchronized boolean admit(long nowNanos) {
    if (state == State.OPEN && nowNanos >= reopenAtNanos) {
      state = State.PROBING;
    }
    if (state == State.PROBING && !probeInFlight) {
      probeInFlight = true;
      return true;
    }
    return false;
  }

  /**
   * The probe ended without a verdict (its client went away, it was shed): the next request probes
   * instead. Without this the breaker would wait for a verdict that never comes and keep the
   * endpoint out for good.
   */
  public synchronized void onProbeCancelled() {
    if (state == State.PROBING) {
      probeInFlight = false;
    }
  }

  public synchronized void onSuccess() {
    failures = 0;
    if (state != State.CLOSED) {
      state = State.CLOSED;
      penaltyNanos = 0;
      probeInFlight = false;
    }
  }

  /**
   * Records a failure; returns the time the breaker next admits a probe, or -1 if it stays closed.
   */
  public synchronized long onFailure(long nowNanos) {
    switch (state) {
      case CLOSED -> {
        if (++failures < maxFailures) {
          return -1;
        }
        penaltyNanos = minPenaltyNanos;
      }
      case PROBING -> penaltyNanos = Math.min(maxPenaltyNanos, Math.max(1, penaltyNanos) * 2);
      case OPEN -> {
        // A request admitted before the breaker opened failed late; the backoff stands.
        return reopenAtNanos;
      }
    }
    state = State.OPEN;
    probeInFlight = false;
    long jittered = penaltyNanos + (long) (penaltyNanos * jitter * random.nextDouble());
    reopenAtNanos = nowNanos + jittered;
    return reopenAtNanos;
  }

  /** The state as of {@code nowNanos}, for metrics. */
  public synchronized State state() {
    return state;
  }

  public synchronized int consecutiveFailures() {
    return failures;
  }
}
