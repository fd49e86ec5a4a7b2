package dev.updraft.vmm.config;

/**
 * A device's rate limiter ({@code rate_limiter}, {@code rx_rate_limiter}, {@code tx_rate_limiter}):
 * an optional bandwidth bucket counting bytes and an optional ops bucket counting requests or
 * frames. Either may be null, meaning no limit of that kind.
 */
public record RateLimiterConfig(TokenBucket bandwidth, TokenBucket ops) {
  /** No limits at all. */
  public static final RateLimiterConfig UNLIMITED = new RateLimiterConfig(null, null);

  /** Whether either bucket limits anything. */
  public boolean limits() {
    return (bandwidth != null && bandwidth.limits()) || (ops != null && ops.limits());
  }
}
