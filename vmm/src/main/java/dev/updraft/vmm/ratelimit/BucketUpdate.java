package dev.updraft.vmm.ratelimit;

import java.util.Objects;

/**
 * What a runtime update (PATCH) does to one bucket of a running limiter, as in Firecracker: a
 * bucket the request does not mention is kept with its current state, one it mentions with size or
 * refill time zero is removed, and any other replaces it with a new, full bucket.
 */
public sealed interface BucketUpdate {
  /** Leave the bucket as it is. */
  record Keep() implements BucketUpdate {}

  /** Remove the bucket: that token type is no longer limited. */
  record Disable() implements BucketUpdate {}

  /** Replace the bucket with a new, full one. */
  record Replace(TokenBucketConfig config) implements BucketUpdate {
    public Replace {
      Objects.requireNonNull(config, "config");
      if (!config.enabled()) {
        throw new IllegalArgumentException(
            "bucket: " + config + " (expected: size and refill_time > 0; use Disable)");
      }
    }
  }

  /** The update for a bucket the request leaves out. */
  static BucketUpdate keep() {
    return new Keep();
  }

  /**
   * The update for a bucket the request gives: Replace, or Disable if it limits nothing.
   *
   * @throws IllegalArgumentException if the bucket cannot run ({@link TokenBucketConfig#runnable}),
   *     even one that would be removed, as when a limiter is made
   */
  static BucketUpdate of(TokenBucketConfig config) {
    return config.runnable().enabled() ? new Replace(config) : new Disable();
  }
}
