package dev.updraft.vmm.virtio.pmem;

import dev.updraft.vmm.devices.Timers;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.RateLimiter;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterUpdate;
import dev.updraft.vmm.ratelimit.TokenType;
import dev.updraft.vmm.state.Persistent;
import dev.updraft.vmm.virtio.BadChain;
import dev.updraft.vmm.virtio.Descriptor;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.DeviceType;
import dev.updraft.vmm.virtio.QueueEntry;
import dev.updraft.vmm.virtio.VirtQueue;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioFeatures;
import java.util.List;
import java.util.Objects;

/**
 * virtio-pmem (device id 27), as Firecracker's {@code devices/virtio/pmem}: the configuration space
 * says where the file is in guest physical memory, and one request queue carries flushes. A flush
 * is a chain of a device-readable 4-byte request type ({@link #REQ_TYPE_FLUSH}, the only one) and a
 * device-writable 4-byte status, answered 0 once msync wrote the file back, -1 if it failed.
 *
 * <p>One notification is one flush, as in Firecracker: the chains it finds share a single msync and
 * its result, and it costs one op and the file's length in bytes of the rate limiter, taken before
 * any chain is looked at. A chain that breaks the rules is returned with length 0 and counted in
 * {@code event_fails}; the device goes on.
 */
public final class VirtioPmem extends VirtioDevice implements Persistent<PmemState> {
  /** VIRTIO_PMEM_REQ_TYPE_FLUSH. */
  public static final int REQ_TYPE_FLUSH = 0;

  /** The status of a flush that reached the file. */
  public static final int SUCCESS = 0;

  /** The status of a flush the host could not complete. */
  public static final int FAILURE = -1;

  private static final System.Logger LOG = System.getLogger(VirtioPmem.class.getName());

  private static final String[] COUNTERS = {
    "cfg_fails", "queue_event_count", "rate_limiter_throttled_events", "rate_limiter_event_count"
  };

  private final PmemRegion region;
  private final PmemBacking backing;
  private final RateLimiter limiter;

  /**
   * @param region where the core mapped the file in guest physical memory
   * @param backing the mapped file, for flushes
   * @param rateLimiter limits on flushes (ops) and the bytes they write back; UNLIMITED for none
   */
  public VirtioPmem(
      PmemRegion region,
      PmemBacking backing,
      RateLimiterConfig rateLimiter,
      Timers timers,
      Counters counters) {
    super(DeviceType.PMEM, 1, VirtioFeatures.VERSION_1, counters, "event_fails", COUNTERS);
    this.region = Objects.requireNonNull(region, "region");
    this.backing = Objects.requireNonNull(backing, "backing");
    this.limiter =
        new RateLimiter(
            rateLimiter, timers, resumeAfterThrottle("rate_limiter_event_count", this::flush));
  }

  public PmemRegion region() {
    return region;
  }

  /** The limits in force. */
  public RateLimiterConfig rateLimiter() {
    return withLock(limiter::config);
  }

  /** PATCH /pmem/{id}: new buckets for the limiter. */
  public void updateRateLimiter(RateLimiterUpdate update) {
    locked(() -> limiter.update(update));
  }

  @Override
  public PmemState save() {
    return withLock(() -> new PmemState(region, limiter.save()));
  }

  /**
   * Takes the rate limiter's saved buckets; the region must be the one this device was made with
   * (the core maps the file where the state says before it makes the device).
   */
  @Override
  public void restore(PmemState state) {
    if (!state.region().equals(region)) {
      throw new IllegalArgumentException(
          "pmem region: " + state.region() + " (expected: the device's " + region + ")");
    }
    locked(() -> limiter.restore(state.rateLimiter()));
  }

  @Override
  protected byte[] configSpace() {
    return region.configSpace();
  }

  @Override
  protected void onActivate() {}

  @Override
  protected void onReset() {}

  @Override
  protected void onQueueNotify(int index) {
    counters().increment("queue_event_count");
    if (limiter.isBlocked()) {
      counters().increment("rate_limiter_throttled_events");
      return;
    }
    flush();
  }

  private void flush() {
    VirtQueue queue = queue(0);
    if (!queue.hasAvailable()) {
      return;
    }
    // Firecracker charges the whole notification before looking at a chain: a broken driver's
    // requests are rate limited too.
    if (!limiter.consume(1, TokenType.OPS)) {
      counters().increment("rate_limiter_throttled_events");
      return;
    }
    if (!limiter.consume(backing.fileLength(), TokenType.BYTES)) {
      limiter.manualReplenish(1, TokenType.OPS);
      counters().increment("rate_limiter_throttled_events");
      return;
    }
    Integer[] status = {null};
    drain(
        queue,
        q -> {
          serve(q, status);
          return true;
        });
  }

  private void serve(VirtQueue queue, Integer[] status) {
    QueueEntry entry = queue.pop();
    String problem =
        switch (entry) {
          case BadChain bad -> bad.reason();
          case DescriptorChain chain -> problem(chain);
        };
    if (problem != null) {
      LOG.log(System.Logger.Level.WARNING, "virtio-pmem: " + problem);
      counters().increment("event_fails");
      queue.addUsed(entry.head(), 0);
      return;
    }
    if (status[0] == null) {
      status[0] = syncStatus();
    }
    Descriptor statusBuffer = ((DescriptorChain) entry).descriptors().get(1);
    memory().writeInt(statusBuffer.address(), status[0]);
    queue.addUsed(entry.head(), 4);
  }

  /** What is wrong with a flush request, in Firecracker's words; null if nothing. */
  private String problem(DescriptorChain chain) {
    List<Descriptor> buffers = chain.descriptors();
    Descriptor head = buffers.get(0);
    if (head.writable()) {
      return "Unexpected write-only descriptor";
    }
    if (head.length() != 4) {
      return "Head descriptor has invalid length of " + head.length() + " instead of 4";
    }
    int type = memory().readInt(head.address());
    if (type != REQ_TYPE_FLUSH) {
      return "UnknownRequestType: " + Integer.toUnsignedString(type);
    }
    if (buffers.size() < 2) {
      return "Descriptor chain too short";
    }
    Descriptor status = buffers.get(1);
    if (!status.writable()) {
      return "Unexpected read-only descriptor";
    }
    if (status.length() != 4) {
      return "Status descriptor has invalid length of " + status.length() + " instead of 4";
    }
    return null;
  }

  private int syncStatus() {
    try {
      backing.sync();
      return SUCCESS;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "pmem: Unable to msync the file. Error: " + e);
      return FAILURE;
    }
  }
}
