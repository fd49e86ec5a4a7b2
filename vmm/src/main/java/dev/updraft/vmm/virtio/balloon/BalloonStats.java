package dev.updraft.vmm.virtio.balloon;

import java.util.Objects;

/**
 * What {@code GET /balloon/statistics} reports: the target and actual sizes, and the statistics the
 * guest last sent.
 */
public record BalloonStats(long targetPages, long actualPages, GuestStats guest) {
  public BalloonStats {
    Objects.requireNonNull(guest, "guest");
  }

  public long targetMib() {
    return targetPages / VirtioBalloon.PAGES_PER_MIB;
  }

  public long actualMib() {
    return actualPages / VirtioBalloon.PAGES_PER_MIB;
  }
}
