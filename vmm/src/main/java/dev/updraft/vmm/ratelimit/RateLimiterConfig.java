package dev.updraft.vmm.ratelimit;

/**
 * A rate limiter as Firecracker's API describes it ({@code RateLimiter} in the swagger file): a
 * bandwidth bucket counting bytes and an ops bucket counting requests or frames. The API's
 * configuration holds it as given, a {@link RateLimiter} is made from it.
 *
 * <p>A bucket the request leaves out is null, which is not the same as one given with size or
 * refill time 0: when a limiter is made either limits nothing of its kind, but a runtime update
 * ({@link RateLimiterUpdate#of}, a PATCH) keeps an absent bucket as it is and removes a disabled
 * one; {@code GET /vm/config} shows an absent bucket as null.
 */
public record RateLimiterConfig(TokenBucketConfig bandwidth, TokenBucketConfig ops) {
  /** No limits at all. */
  public static final RateLimiterConfig UNLIMITED =
      new RateLimiterConfig(TokenBucketConfig.DISABLED, TokenBucketConfig.DISABLED);

  /** Whether either bucket limits anything. */
  public boolean limits() {
    return (bandwidth != null && bandwidth.enabled()) || (ops != null && ops.enabled());
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
