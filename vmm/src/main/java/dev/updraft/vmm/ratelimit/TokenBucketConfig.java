package dev.updraft.vmm.ratelimit;

/**
 * One token bucket as Firecracker's API describes it ({@code TokenBucket} in the swagger file): the
 * API's configuration holds it as given, a {@link RateLimiter} is made from it. A size or refill
 * time of zero disables the bucket, exactly as in Firecracker.
 *
 * @param size tokens the bucket holds when full
 * @param oneTimeBurst extra tokens spent before the bucket and never replenished
 * @param refillTimeMs milliseconds to refill the bucket from empty to full ({@code refill_time})
 */
public record TokenBucketConfig(long size, long oneTimeBurst, long refillTimeMs) {
  /** A bucket that limits nothing. */
  public static final TokenBucketConfig DISABLED = new TokenBucketConfig(0, 0, 0);

  // Refill maths works in nanoseconds; a longer refill time would overflow them.
  static final long MAX_REFILL_TIME_MS = Long.MAX_VALUE / 1_000_000;

  public TokenBucketConfig {
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: at least 0)");
    }
    if (oneTimeBurst < 0) {
      throw new IllegalArgumentException(
          "one_time_burst: " + oneTimeBurst + " (expected: at least 0)");
    }
    if (refillTimeMs < 0) {
      throw new IllegalArgumentException(
          "refill_time: " + refillTimeMs + " (expected: at least 0 milliseconds)");
    }
  }

  /** Whether this bucket limits anything (size and refill time both non-zero). */
  public boolean enabled() {
    return size > 0 && refillTimeMs > 0;
  }

  /**
   * This bucket, once checked that a limiter can count its refill time in nanoseconds. The API
   * takes any refill time, as Firecracker's does; a device's limiter is refused one beyond about
   * 292 years when it is made or updated from it, disabled or not.
   *
   * @throws IllegalArgumentException if the refill time is longer
   */
  public TokenBucketConfig runnable() {
    if (refillTimeMs > MAX_REFILL_TIME_MS) {
      throw new IllegalArgumentException(
          "refill_time: " + refillTimeMs + " (expected: 0.." + MAX_REFILL_TIME_MS + " ms)");
    }
    return this;
  }
}
