package dev.updraft.vmm.ratelimit;

import java.util.Objects;

/**
 * A rate limiter as Firecracker's API describes it: an optional bandwidth bucket (bytes) and an
 * optional operations bucket. An absent bucket is {@link TokenBucketConfig#DISABLED}.
 */
public record RateLimiterConfig(TokenBucketConfig bandwidth, TokenBucketConfig ops) {
  /** No limits at all. */
  public static final RateLimiterConfig UNLIMITED =
      new RateLimiterConfig(TokenBucketConfig.DISABLED, TokenBucketConfig.DISABLED);

  public RateLimiterConfig {
    Objects.requireNonNull(bandwidth, "bandwidth");
    Objects.requireNonNull(ops, "ops");
  }
}
