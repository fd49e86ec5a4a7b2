package dev.updraft.vmm.ratelimit;

/** Which bucket of a {@link RateLimiter} a request draws on. */
public enum TokenType {
  /** Bandwidth: one token per byte. */
  BYTES,
  /** Operations: one token per request or frame. */
  OPS
}
