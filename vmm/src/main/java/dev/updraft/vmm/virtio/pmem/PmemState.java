package dev.updraft.vmm.virtio.pmem;

import dev.updraft.vmm.ratelimit.RateLimiterState;
import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.Objects;

/**
 * What virtio-pmem keeps beyond its configuration and transport, as Firecracker's {@code PmemState}
 * does: where its region is in guest physical memory (the guest's page tables and its driver point
 * there, so a restore must map the file at the same place) and its rate limiter.
 */
public record PmemState(PmemRegion region, RateLimiterState rateLimiter) implements Encodable {
  public PmemState {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(rateLimiter, "rateLimiter");
  }

  @Override
  public void write(StateWriter out) {
    out.writeLong(region.start()).writeLong(region.size());
    rateLimiter.write(out);
  }

  /**
   * Reads a pmem section.
   *
   * @throws IllegalArgumentException for a region that is not 2 MiB aligned (reported by the
   *     reader's section as a decoding failure)
   */
  public static PmemState read(StateReader in) {
    long start = in.readLong();
    long size = in.readLong();
    PmemRegion region;
    try {
      region = new PmemRegion(start, size);
    } catch (IllegalArgumentException e) {
      throw in.failure(e.getMessage());
    }
    return new PmemState(region, RateLimiterState.read(in));
  }
}
