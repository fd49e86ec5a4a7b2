package dev.updraft.vmm.config;

import dev.updraft.vmm.ratelimit.RateLimiterConfig;

/** {@code /entropy}: a virtio-rng device fed from the host, with an optional rate limiter. */
public record EntropyConfig(RateLimiterConfig rateLimiter) {}
