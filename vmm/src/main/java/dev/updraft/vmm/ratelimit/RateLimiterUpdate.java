package dev.updraft.vmm.ratelimit;

import java.util.Objects;

/** A runtime change to both buckets of a limiter (the body of a PATCH's rate_limiter). */
public record RateLimiterUpdate(BucketUpdate bandwidth, BucketUpdate ops) {
  /** Changes nothing. */
  public static final RateLimiterUpdate NONE =
      new RateLimiterUpdate(BucketUpdate.keep(), BucketUpdate.keep());

  public RateLimiterUpdate {
    Objects.requireNonNull(bandwidth, "bandwidth");
    Objects.requireNonNull(ops, "ops");
  }

  /**
   * What a PATCH's rate limiter does, as in Firecracker: a bucket it leaves out (null) is kept with
   * its current state, one it gives replaces the bucket or, limiting nothing, removes it; no rate
   * limiter at all (null) changes nothing.
   *
   * @throws IllegalArgumentException if a given bucket cannot run ({@link
   *     TokenBucketConfig#runnable})
   */
  public static RateLimiterUpdate of(RateLimiterConfig patch) {
    if (patch == null) {
      return NONE;
    }
    return new RateLimiterUpdate(bucket(patch.bandwidth()), bucket(patch.ops()));
  }

  private static BucketUpdate bucket(TokenBucketConfig given) {
    return given == null ? BucketUpdate.keep() : BucketUpdate.of(given);
  }
}
