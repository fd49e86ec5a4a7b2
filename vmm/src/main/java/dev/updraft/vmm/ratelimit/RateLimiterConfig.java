package dev.updraft.vmm.ratelimit;

/**
 * A rate limiter as Firecracker's API describes it ({@code RateLimiter} in the swagger file): a
 * bandwidth bucket counting bytes and an ops bucket counting requests or frames. The API's
 * configuration holds it as given, a {@link RateLimiter} is made from it.
 *
 * <p>A bucket the request leaves out is null, which is not the same as one given with size or
 * refill time 0: when a limiter is made either limits nothing of its kind, but a runtime update
 * ({@link RateLimiterUpdate#of}, a PATCH) keeps an absent bucket as it is and removes a disabled
 * one; {@code GET /vm/config} shows an absent bucket as null, and after a PATCH what the device
 * runs ({@link #patched}).
 */
public record RateLimiterConfig(TokenBucketConfig bandwidth, TokenBucketConfig ops) {
  /** No limits at all. */
  public static final RateLimiterConfig UNLIMITED =
      new RateLimiterConfig(TokenBucketConfig.DISABLED, TokenBucketConfig.DISABLED);

  /** Whether either bucket limits anything. */
  public boolean limits() {
    return (bandwidth != null && bandwidth.enabled()) || (ops != null && ops.enabled());
  }

  /**
   * The configuration a device runs once {@code patch} (a PATCH's rate_limiter, null for none) is
   * applied to {@code current} (null for none), as {@link RateLimiterUpdate#of} applies it: a
   * bucket the patch leaves out stays, one it disables goes (null), one it gives replaces it.
   */
  public static RateLimiterConfig patched(RateLimiterConfig current, RateLimiterConfig patch) {
    if (patch == null) {
      return current;
    }
    TokenBucketConfig bandwidth =
        bucket(current == null ? null : current.bandwidth(), patch.bandwidth());
    TokenBucketConfig ops = bucket(current == null ? null : current.ops(), patch.ops());
    return bandwidth == null && ops == null ? null : new RateLimiterConfig(bandwidth, ops);
  }

  private static TokenBucketConfig bucket(TokenBucketConfig current, TokenBucketConfig given) {
    if (given == null) {
      return current;
    }
    return given.enabled() ? given : null;
  }

  /** This limiter, once checked that a device can run the buckets it gives. */
  public RateLimiterConfig runnable() {
    if (bandwidth != null) {
      bandwidth.runnable();
    }
    if (ops != null) {
      ops.runnable();
    }
    return this;
  }
}
