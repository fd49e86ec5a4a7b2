package dev.updraft.vmm.ratelimit;

import java.math.BigInteger;

/**
 * Firecracker's token bucket. It starts full, spends its one-time burst before its budget, and
 * refills lazily: each reduction that finds too few tokens first adds the tokens earned since the
 * last update. The refill rate {@code size / refill time} is kept as a fraction reduced by the
 * greatest common divisor, and the time that earned only part of a token is carried over, so no
 * tokens are lost to rounding however often the bucket is polled.
 *
 * <p>Not thread-safe: the owning device's lock guards it. Times are nanoseconds from the owner's
 * clock, passed in so that the maths is deterministic.
 */
final class TokenBucket {
  private static final long NANOS_PER_MILLI = 1_000_000;

  private final long size;
  private final long initialOneTimeBurst;
  private final long refillTimeMs;
  // size / (refillTimeMs * 1e6) reduced by their gcd: tokens earned per nanosecond as a fraction.
  private final long processedCapacity;
  private final long processedRefillTime;

  private long oneTimeBurst;
  private long budget;
  private long lastUpdate;

  TokenBucket(TokenBucketConfig config, long nowNanos) {
    config.runnable();
    if (!config.enabled()) {
      throw new IllegalArgumentException(
          "token bucket: " + config + " (expected: size and refill_time > 0)");
    }
    this.size = config.size();
    this.initialOneTimeBurst = config.oneTimeBurst();
    this.refillTimeMs = config.refillTimeMs();
    long refillNanos = refillTimeMs * NANOS_PER_MILLI;
    long gcd = gcd(size, refillNanos);
    this.processedCapacity = size / gcd;
    this.processedRefillTime = refillNanos / gcd;
    this.oneTimeBurst = initialOneTimeBurst;
    this.budget = size;
    this.lastUpdate = nowNanos;
  }

  /** A bucket as {@code state} saved it, {@code state.elapsedNanos()} after its last refill. */
  static TokenBucket restored(TokenBucketState state, long nowNanos) {
    TokenBucket bucket = new TokenBucket(state.config(), nowNanos);
    bucket.budget = state.budget();
    bucket.oneTimeBurst = state.oneTimeBurst();
    bucket.lastUpdate = nowNanos - state.elapsedNanos();
    return bucket;
  }

  /** This bucket as a snapshot keeps it. */
  TokenBucketState save(long nowNanos) {
    return new TokenBucketState(config(), budget, oneTimeBurst, Math.max(0, nowNanos - lastUpdate));
  }

  /** Takes {@code tokens}, spending the one-time burst first. */
  BucketReduction reduce(long tokens, long nowNanos) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens: " + tokens + " (expected: >= 0)");
    }
    long wanted = tokens;
    if (oneTimeBurst > 0) {
      if (oneTimeBurst >= wanted) {
        oneTimeBurst -= wanted;
        lastUpdate = nowNanos;
        return BucketReduction.SUCCESS;
      }
      wanted -= oneTimeBurst;
      oneTimeBurst = 0;
    }
    if (wanted > budget) {
      autoReplenish(nowNanos);
      if (wanted > size) {
        // Allowed, but it borrowed from the future: empty the bucket and report by how much.
        wanted -= budget;
        budget = 0;
        return new BucketReduction.OverConsumption((double) wanted / size);
      }
      if (wanted > budget) {
        return BucketReduction.FAILURE;
      }
    }
    budget -= wanted;
    return BucketReduction.SUCCESS;
  }

  /** Gives tokens back (e.g. an op whose bytes were refused), never above the initial amounts. */
  void forceReplenish(long tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens: " + tokens + " (expected: >= 0)");
    }
    // While the burst lasts the budget is untouched, so the tokens came from the burst.
    if (oneTimeBurst > 0) {
      oneTimeBurst = Math.min(saturatingAdd(oneTimeBurst, tokens), initialOneTimeBurst);
      return;
    }
    budget = Math.min(saturatingAdd(budget, tokens), size);
  }

  long size() {
    return size;
  }

  long budget() {
    return budget;
  }

  long oneTimeBurst() {
    return oneTimeBurst;
  }

  long refillTimeMs() {
    return refillTimeMs;
  }

  /** The configuration this bucket was made from. */
  TokenBucketConfig config() {
    return new TokenBucketConfig(size, initialOneTimeBurst, refillTimeMs);
  }

  private void autoReplenish(long nowNanos) {
    long elapsed = Math.max(0, nowNanos - lastUpdate);
    if (elapsed >= refillTimeMs * NANOS_PER_MILLI) {
      budget = size;
      lastUpdate = nowNanos;
      return;
    }
    // elapsed < refill time, so fewer than `size` tokens were earned: the results fit a long.
    long tokens = mulDiv(elapsed, processedCapacity, processedRefillTime, false);
    // Advance only by the time those whole tokens cost (rounded up, so no nanosecond counts
    // twice); the rest of a partly earned token carries over to the next refill.
    lastUpdate += mulDiv(tokens, processedRefillTime, processedCapacity, true);
    budget = Math.min(saturatingAdd(budget, tokens), size);
  }

  /** {@code a * b / c} for non-negative values, exact even when {@code a * b} needs 128 bits. */
  static long mulDiv(long a, long b, long c, boolean roundUp) {
    if (Math.multiplyHigh(a, b) == 0 && a * b >= 0) {
      long product = a * b;
      long quotient = product / c;
      return roundUp && quotient * c != product ? quotient + 1 : quotient;
    }
    BigInteger[] qr =
        BigInteger.valueOf(a)
            .multiply(BigInteger.valueOf(b))
            .divideAndRemainder(BigInteger.valueOf(c));
    BigInteger quotient = roundUp && qr[1].signum() != 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    return quotient.longValueExact();
  }

  private static long gcd(long x, long y) {
    while (y != 0) {
      long t = y;
      y = x % y;
      x = t;
    }
    return x;
  }

  private static long saturatingAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
