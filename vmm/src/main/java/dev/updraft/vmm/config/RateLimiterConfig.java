package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.TokenBucketConfig;

/**
 * A device's rate limiter ({@code rate_limiter}, {@code rx_rate_limiter}, {@code tx_rate_limiter}):
 * an optional bandwidth bucket counting bytes and an optional ops bucket counting requests or
 * frames. Either may be null, meaning no limit of that kind.
 */
public record RateLimiterConfig(TokenBucketConfig bandwidth, TokenBucketConfig ops) {
  /** No limits at all. */
  public static final RateLimiterConfig UNLIMITED = new RateLimiterConfig(null, null);

  /** Whether either bucket limits anything. */
  public boolean limits() {
    return (bandwidth != null && bandwidth.enabled()) || (ops != null && ops.enabled());
  }
}
