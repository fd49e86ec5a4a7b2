package dev.updraft.vmm.virtio.rng;

import dev.updraft.vmm.ratelimit.RateLimiterState;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.Objects;

/** What virtio-rng keeps beyond its configuration and transport: its rate limiter's buckets. */
public record RngState(RateLimiterState rateLimiter) implements Encodable {
  public RngState {
    Objects.requireNonNull(rateLimiter, "rateLimiter");
  }

  @Override
  public void write(StateWriter out) {
    rateLimiter.write(out);
  }

  public static RngState read(StateReader in) {
    return new RngState(RateLimiterState.read(in));
  }
}
