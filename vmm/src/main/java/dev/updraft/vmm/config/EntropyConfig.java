package dev.updraft.vmm.config;

/** {@code /entropy}: a virtio-rng device fed from the host, with an optional rate limiter. */
public record EntropyConfig(RateLimiterConfig rateLimiter) {}
