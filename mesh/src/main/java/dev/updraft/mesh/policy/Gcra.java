package dev.updraft.mesh.policy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One rate limit as a generic cell rate algorithm (the governor crate's, which Linkerd uses): a
 * request conforms if it arrives no earlier than its theoretical arrival time minus the burst
 * tolerance. The burst is one second's worth, so a limit of N per second admits N at once after a
 * quiet second and N per second sustained. Lock-free: one compare-and-set per admitted request.
 */
final class Gcra {
  private static final long SECOND = 1_000_000_000L;
  private final long interval;
  private final long tolerance;
  private final AtomicLong theoreticalArrival = new AtomicLong(Long.MIN_VALUE);

  Gcra(int perSecond) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 1)");
    }
    this.interval = SECOND / perSecond;
    this.tolerance = interval * (perSecond - 1);
  }

  /** Whether a request at {@code now} (monotonic nanoseconds) conforms; if so it is counted. */
  boolean tryAcquire(long now) {
    while (true) {
      long tat = theoreticalArrival.get();
      long start = tat == Long.MIN_VALUE || tat - now < 0 ? now : tat;
      if (start - now > tolerance) {
        return false;
      }
      if (theoreticalArrival.compareAndSet(tat, start + interval)) {
        return true;
      }
    }
  }
}
