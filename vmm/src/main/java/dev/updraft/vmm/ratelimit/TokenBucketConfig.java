package dev.updraft.vmm.ratelimit;

/**
 * One token bucket as Firecracker's API describes it ({@code TokenBucket} in the swagger file). A
 * size or refill time of zero disables the bucket, exactly as in Firecracker.
 *
 * @param size tokens the bucket holds when full
 * @param oneTimeBurst extra tokens spent before the bucket and never replenished
 * @param refillTimeMs milliseconds to refill the bucket from empty to full
 */
public record TokenBucketConfig(long size, long oneTimeBurst, long refillTimeMs) {
  /** A bucket that limits nothing. */
  public static final TokenBucketConfig DISABLED = new TokenBucketConfig(0, 0, 0);

  // Refill maths works in nanoseconds; a longer refill time would overflow them.
  static final long MAX_REFILL_TIME_MS = Long.MAX_VALUE / 1_000_000;

  public TokenBucketConfig {
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    if (oneTimeBurst < 0) {
      throw new IllegalArgumentException("one_time_burst: " + oneTimeBurst + " (expected: >= 0)");
    }
    if (refillTimeMs < 0 || refillTimeMs > MAX_REFILL_TIME_MS) {
      throw new IllegalArgumentException(
          "refill_time: " + refillTimeMs + " (expected: 0.." + MAX_REFILL_TIME_MS + " ms)");
    }
  }

  /** Whether this bucket limits anything (size and refill time both non-zero). */
  public boolean enabled() {
    return size > 0 && refillTimeMs > 0;
  }
}
