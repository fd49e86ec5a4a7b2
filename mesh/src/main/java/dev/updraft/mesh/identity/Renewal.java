package dev.updraft.mesh.identity;

import java.time.Duration;
import java.time.Instant;

/**
 * When a proxy asks for its next certificate: at 70 % of what remains of the current one's
 * lifetime, no sooner than {@code min} and no later than {@code max} (Linkerd's {@code refresh_in},
 * 10 s and 24 h by default). A failed renewal is retried after {@code min}.
 */
public record Renewal(Duration min, Duration max) {
  public static final Renewal DEFAULT = new Renewal(Duration.ofSeconds(10), Duration.ofHours(24));
  private static final long PERCENT = 70;

  public Renewal {
    if (min == null || min.isNegative() || min.isZero()) {
      throw new IdentityException("renewal.min: " + min + " (expected: > 0)");
    }
    if (max == null || max.compareTo(min) < 0) {
      throw new IdentityException("renewal.max: " + max + " (expected: >= min " + min + ")");
    }
  }

  /** How long to wait, at {@code now}, before renewing a certificate valid until {@code expiry}. */
  public Duration refreshIn(Instant now, Instant expiry) {
    Duration remaining = Duration.between(now, expiry);
    Duration in =
        remaining.isNegative() ? Duration.ZERO : remaining.multipliedBy(PERCENT).dividedBy(100);
    if (in.compareTo(min) < 0) {
      return min;
    }
    return in.compareTo(max) > 0 ? max : in;
  }
}
