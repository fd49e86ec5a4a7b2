package dev.updraft.vmm.virtio;

/** Device-independent feature bits (virtio 1.1 section 6) and a helper for numbered bits. */
public final class VirtioFeatures {
  /** used_event / avail_event notification suppression. */
  public static final long RING_EVENT_IDX = bit(29);

  /** A modern (virtio 1.x) device; the mmio version 2 transport requires it. */
  public static final long VERSION_1 = bit(32);

  private VirtioFeatures() {}

  /** The feature mask for bit number {@code n}. */
  public static long bit(int n) {
    if (n < 0 || n > 63) {
      throw new IllegalArgumentException("feature bit: " + n + " (expected: 0..63)");
    }
    return 1L << n;
  }
}
