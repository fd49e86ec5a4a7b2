package dev.updraft.vmm.virtio.block;

import dev.updraft.vmm.ratelimit.RateLimiterState;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.Objects;

/**
 * What a virtio-blk device keeps beyond its configuration and transport: its rate limiter's
 * buckets. Requests never stay in flight (each completes on the device thread before the next
 * event), so there is nothing else; the disk's contents are the user's file.
 */
public record BlockState(RateLimiterState rateLimiter) implements Encodable {
  public BlockState {
    Objects.requireNonNull(rateLimiter, "rateLimiter");
  }

  @Override
  public void write(StateWriter out) {
    rateLimiter.write(out);
  }

  public static BlockState read(StateReader in) {
    return new BlockState(RateLimiterState.read(in));
  }
}
