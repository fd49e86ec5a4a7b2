package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;

/**
 * {@code PATCH /pmem/{id}} after boot (Firecracker's {@code PmemDeviceUpdateConfig}): a new rate
 * limiter; null leaves it as it is.
 */
public record PmemUpdate(String id, RateLimiterConfig rateLimiter) {
  public PmemUpdate {
    ResourceId.check("id", id);
  }
}
