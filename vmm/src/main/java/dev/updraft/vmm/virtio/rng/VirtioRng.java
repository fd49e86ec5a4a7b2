package dev.updraft.vmm.virtio.rng;

import dev.updraft.vmm.devices.Timers;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.RateLimiter;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.state.Persistent;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.DeviceType;
import dev.updraft.vmm.virtio.GuestBuffers;
import dev.updraft.vmm.virtio.QueueEntry;
import dev.updraft.vmm.virtio.VirtQueue;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioFeatures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * virtio-rng (device id 4), Firecracker's entropy device: one queue whose device-writable buffers
 * it fills with random bytes, each request costing one op and its bytes of the optional limiter. A
 * request gets at most {@value #MAX_REQUEST_BYTES} bytes (the used length says how many, which
 * virtio allows): a guest asking for gigabytes would otherwise stall the event loop.
 */
public final class VirtioRng extends VirtioDevice implements Persistent<RngState> {
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  private static final String[] COUNTERS = {
    "entropy_event_count",
    "entropy_bytes",
    "host_rng_fails",
    "entropy_rate_limiter_throttled",
    "rate_limiter_event_count"
  };

  private final EntropySource source;
  private final RateLimiter limiter;

  public VirtioRng(
      EntropySource source, RateLimiterConfig rateLimiter, Timers timers, Counters counters) {
    super(DeviceType.RNG, 1, VirtioFeatures.VERSION_1, counters, "entropy_event_fails", COUNTERS);
    this.source = Objects.requireNonNull(source, "source");
    this.limiter =
        new RateLimiter(
            rateLimiter,
            timers,
            resumeAfterThrottle("rate_limiter_event_count", this::processQueue));
  }

  /** The limits in force. */
  public RateLimiterConfig rateLimiter() {
    return withLock(limiter::config);
  }

  @Override
  public RngState save() {
    return withLock(() -> new RngState(limiter.save()));
  }

  @Override
  public void restore(RngState state) {
    locked(() -> limiter.restore(state.rateLimiter()));
  }

  @Override
  protected byte[] configSpace() {
    return new byte[0];
  }

  @Override
  protected void onActivate() {}

  @Override
  protected void onReset() {}

  @Override
  protected void onQueueNotify(int index) {
    if (!limiter.isBlocked()) {
      processQueue();
    }
  }

  private void processQueue() {
    drain(queue(0), this::serve);
  }

  /** Fills the next request; false if the limiter refused it and it must wait. */
  private boolean serve(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    counters().increment("entropy_event_count");
    if (!(entry instanceof DescriptorChain chain) || !chain.allWritable()) {
      counters().increment("entropy_event_fails");
      queue.addUsed(entry.head(), 0);
      return true;
    }
    int length = (int) Math.min(chain.totalLength(), MAX_REQUEST_BYTES);
    if (!limiter.consumeOperation(length)) {
      queue.undoPop();
      counters().increment("entropy_rate_limiter_throttled");
      return false;
    }
    byte[] random = new byte[length];
    int written = 0;
    try {
      source.fill(random);
      written = GuestBuffers.scatter(memory(), chain.descriptors(), ByteBuffer.wrap(random));
    } catch (IOException e) {
      counters().increment("host_rng_fails");
      counters().increment("entropy_event_fails");
    }
    queue.addUsed(chain.head(), written);
    counters().add("entropy_bytes", written);
    return true;
  }
}
