package dev.updraft.vmm.ratelimit;

import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;

/**
 * A rate limiter's buckets as a snapshot keeps them; null for a bucket the limiter does not have. A
 * block in progress is not kept: the restored device looks at its queues once, which resumes
 * whatever the block held back.
 */
public record RateLimiterState(TokenBucketState bandwidth, TokenBucketState ops)
    implements Encodable {
  /** A limiter that limits nothing. */
  public static final RateLimiterState UNLIMITED = new RateLimiterState(null, null);

  @Override
  public void write(StateWriter out) {
    out.writeOptional(bandwidth, (w, b) -> b.write(w)).writeOptional(ops, (w, b) -> b.write(w));
  }

  public static RateLimiterState read(StateReader in) {
    return new RateLimiterState(
        in.readOptional(TokenBucketState::read), in.readOptional(TokenBucketState::read));
  }
}
