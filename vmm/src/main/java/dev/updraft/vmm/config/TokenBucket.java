package dev.updraft.vmm.config;

/**
 * One token bucket of a rate limiter: {@code size} tokens (bytes or operations) that refill from
 * empty to full in {@code refillTime} milliseconds, plus a {@code oneTimeBurst} of extra tokens
 * spent first and never refilled. A bucket of size 0 or refill time 0 does not limit.
 */
public record TokenBucket(long size, long oneTimeBurst, long refillTime) {
  public TokenBucket {
    if (size < 0) {
      throw ConfigException.of("size", size, "at least 0");
    }
    if (oneTimeBurst < 0) {
      throw ConfigException.of("one_time_burst", oneTimeBurst, "at least 0");
    }
    if (refillTime < 0) {
      throw ConfigException.of("refill_time", refillTime, "at least 0 milliseconds");
    }
  }

  /** Whether the bucket limits anything (Firecracker ignores a zero size or refill time). */
  public boolean limits() {
    return size > 0 && refillTime > 0;
  }
}
