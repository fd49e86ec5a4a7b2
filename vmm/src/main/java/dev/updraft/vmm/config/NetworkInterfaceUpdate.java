package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;

/**
 * {@code PATCH /network-interfaces/{iface_id}} after boot: new receive and/or transmit rate
 * limiters; null parts stay as they are.
 */
public record NetworkInterfaceUpdate(
    String ifaceId, RateLimiterConfig rxRateLimiter, RateLimiterConfig txRateLimiter) {
  public NetworkInterfaceUpdate {
    ResourceId.check("iface_id", ifaceId);
  }
}
