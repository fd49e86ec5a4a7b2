package dev.updraft.vmm.ratelimit;

import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.Objects;

/**
 * A token bucket as a snapshot keeps it (Firecracker's {@code TokenBucketState}): its
 * configuration, the tokens left and how long ago it last refilled, so that a restored bucket earns
 * exactly the tokens the time since then is worth.
 *
 * @param config size, one-time burst and refill time as configured
 * @param budget tokens left in the bucket
 * @param oneTimeBurst one-time burst tokens left
 * @param elapsedNanos time since the last refill when the snapshot was taken
 */
public record TokenBucketState(
    TokenBucketConfig config, long budget, long oneTimeBurst, long elapsedNanos)
    implements Encodable {
  public TokenBucketState {
    Objects.requireNonNull(config, "config");
    if (!config.enabled()) {
      throw new IllegalArgumentException(
          "token bucket: " + config + " (expected: size and refill_time > 0)");
    }
    if (budget < 0 || budget > config.size()) {
      throw new IllegalArgumentException(
          "budget: " + budget + " (expected: 0.." + config.size() + ")");
    }
    if (oneTimeBurst < 0 || oneTimeBurst > config.oneTimeBurst()) {
      throw new IllegalArgumentException(
          "one_time_burst left: " + oneTimeBurst + " (expected: 0.." + config.oneTimeBurst() + ")");
    }
    if (elapsedNanos < 0) {
      throw new IllegalArgumentException("elapsed: " + elapsedNanos + " ns (expected: >= 0)");
    }
  }

  @Override
  public void write(StateWriter out) {
    out.writeLong(config.size())
        .writeLong(config.oneTimeBurst())
        .writeLong(config.refillTimeMs())
        .writeLong(budget)
        .writeLong(oneTimeBurst)
        .writeLong(elapsedNanos);
  }

  public static TokenBucketState read(StateReader in) {
    TokenBucketConfig config =
        new TokenBucketConfig(in.readLong(), in.readLong(), in.readLong()).runnable();
    return new TokenBucketState(config, in.readLong(), in.readLong(), in.readLong());
  }
}
