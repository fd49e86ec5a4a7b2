package dev.updraft.vmm.ratelimit;

import dev.updraft.vmm.devices.Timers;
import dev.updraft.vmm.state.Persistent;
import java.time.Duration;
import java.util.Objects;

/**
 * Firecracker's rate limiter: an optional bandwidth bucket and an optional ops bucket. When a
 * request finds too few tokens the limiter blocks for 100 ms (Firecracker's refill timer); a
 * request larger than a whole bucket is let through but blocks the limiter for as many refill times
 * as it over-spent. While blocked every {@link #consume} fails, so the device stops its queue; when
 * the block ends the limiter runs {@code onUnblocked} on the event loop, which is where the device
 * resumes.
 *
 * <p>Not thread-safe: the owning device's lock guards it, and {@code onUnblocked} must take that
 * lock itself.
 */
public final class RateLimiter implements Persistent<RateLimiterState> {
  /** How long a refused request blocks the limiter (Firecracker's REFILL_TIMER_INTERVAL_MS). */
  public static final Duration REFILL_TIMER = Duration.ofMillis(100);

  private final Timers timers;
  private final Runnable onUnblocked;
  private TokenBucket bandwidth;
  private TokenBucket ops;
  // The limiter is blocked while blocked && now < blockedUntil (Firecracker: timer armed).
  private boolean blocked;
  private long blockedUntil;

  public RateLimiter(RateLimiterConfig config, Timers timers, Runnable onUnblocked) {
    Objects.requireNonNull(config, "config");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.onUnblocked = Objects.requireNonNull(onUnblocked, "onUnblocked");
    long now = timers.nanoTime();
    this.bandwidth = bucket(config.bandwidth(), now);
    this.ops = bucket(config.ops(), now);
  }

  /**
   * Takes {@code tokens} of {@code type}; false if the limiter is blocked or the bucket is short,
   * in which case the caller must stop and wait for {@code onUnblocked}. Always true for a type
   * without a bucket, unless blocked.
   */
  public boolean consume(long tokens, TokenType type) {
    if (isBlocked()) {
      return false;
    }
    TokenBucket bucket = bucketOf(type);
    if (bucket == null) {
      return true;
    }
    return switch (bucket.reduce(tokens, timers.nanoTime())) {
      case BucketReduction.Success s -> true;
      case BucketReduction.Failure f -> {
        block(REFILL_TIMER.toNanos());
        yield false;
      }
      case BucketReduction.OverConsumption over -> {
        // Firecracker arms its timer for ratio * refill_time milliseconds; counting in
        // nanoseconds keeps a small over-spend from rounding down to no pause at all.
        double pause = over.ratio() * bucket.refillTimeMs() * 1_000_000.0;
        block(Math.max(1, (long) Math.min(pause, Long.MAX_VALUE / 2.0)));
        yield true;
      }
    };
  }

  /**
   * Takes what one request costs: one op and {@code bytes} bandwidth tokens. If the bytes are
   * refused the op is given back, so a refused request costs nothing (Firecracker's devices all do
   * this).
   */
  public boolean consumeOperation(long bytes) {
    if (!consume(1, TokenType.OPS)) {
      return false;
    }
    // Requests without data (a flush) draw on the ops bucket only, as in Firecracker.
    if (bytes > 0 && !consume(bytes, TokenType.BYTES)) {
      manualReplenish(1, TokenType.OPS);
      return false;
    }
    return true;
  }

  /** Gives tokens back to the bucket of {@code type}, if there is one. */
  public void manualReplenish(long tokens, TokenType type) {
    TokenBucket bucket = bucketOf(type);
    if (bucket != null) {
      bucket.forceReplenish(tokens);
    }
  }

  /** Whether requests are refused until the current block ends. */
  public boolean isBlocked() {
    if (blocked && timers.nanoTime() - blockedUntil >= 0) {
      blocked = false;
    }
    return blocked;
  }

  /** Applies a runtime update; a block in progress runs its course (as Firecracker's timer). */
  public void update(RateLimiterUpdate update) {
    long now = timers.nanoTime();
    bandwidth = updated(bandwidth, update.bandwidth(), now);
    ops = updated(ops, update.ops(), now);
  }

  /** The buckets now in force, as configuration: {@link TokenBucketConfig#DISABLED} for none. */
  public RateLimiterConfig config() {
    return new RateLimiterConfig(configOf(bandwidth), configOf(ops));
  }

  @Override
  public RateLimiterState save() {
    long now = timers.nanoTime();
    return new RateLimiterState(
        bandwidth == null ? null : bandwidth.save(now), ops == null ? null : ops.save(now));
  }

  /** Takes the saved buckets, configuration included: the snapshot's word is the last. */
  @Override
  public void restore(RateLimiterState state) {
    long now = timers.nanoTime();
    bandwidth = state.bandwidth() == null ? null : TokenBucket.restored(state.bandwidth(), now);
    ops = state.ops() == null ? null : TokenBucket.restored(state.ops(), now);
    blocked = false;
  }

  // Package-private views for tests of the bucket maths.
  TokenBucket bucketOf(TokenType type) {
    return switch (type) {
      case BYTES -> bandwidth;
      case OPS -> ops;
    };
  }

  private void block(long nanos) {
    blocked = true;
    blockedUntil = timers.nanoTime() + nanos;
    timers.schedule(Duration.ofNanos(nanos), onUnblocked);
  }

  private static TokenBucket updated(TokenBucket current, BucketUpdate update, long now) {
    return switch (update) {
      case BucketUpdate.Keep k -> current;
      case BucketUpdate.Disable d -> null;
      case BucketUpdate.Replace r -> new TokenBucket(r.config(), now);
    };
  }

  // A bucket the configuration leaves out (null) limits nothing, as a disabled one does.
  private static TokenBucket bucket(TokenBucketConfig config, long now) {
    return config != null && config.enabled() ? new TokenBucket(config, now) : null;
  }

  private static TokenBucketConfig configOf(TokenBucket bucket) {
    return bucket == null ? TokenBucketConfig.DISABLED : bucket.config();
  }
}
