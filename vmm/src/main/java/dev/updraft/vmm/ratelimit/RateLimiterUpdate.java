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
}
