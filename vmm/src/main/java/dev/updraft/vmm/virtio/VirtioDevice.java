package dev.updraft.vmm.virtio;

import dev.updraft.vmm.memory.GuestMemory;
import dev.updraft.vmm.metrics.Counters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The SPI of a virtio device: what a transport needs from it (type, queues, features, config space,
 * activation, notifications, reset) and what a device gets from its transport (guest memory,
 * validated queues, interrupts). Subclasses implement the protected hooks.
 *
 * <p>Threading: one lock per device, shared with its transport. vCPU threads reach the device
 * through MMIO; the event loop through queue notifications, backend readiness and timers; the API
 * through runtime updates. Every entry point takes the lock, and {@link #runGuarded} is the barrier
 * that keeps a hostile guest's damage inside the device: a corrupt ring or any unexpected failure
 * marks the device DEVICE_NEEDS_RESET and is counted, never thrown to the caller.
 */
public abstract class VirtioDevice {
  /** Firecracker's queue size for every device. */
  public static final int MAX_QUEUE_SIZE = 256;

  private static final System.Logger LOG = System.getLogger(VirtioDevice.class.getName());

  private final DeviceType type;
  private final int queueCount;
  private final long deviceFeatures;
  private final Counters counters;
  private final String eventFailures;
  private final ReentrantLock lock = new ReentrantLock();

  private TransportLink link = TransportLink.NONE;
  private GuestMemory memory;
  private List<VirtQueue> queues = List.of();
  private long ackedFeatures;
  private boolean active;
  private boolean broken;

  /**
   * @param deviceFeatures the features offered, VERSION_1 included
   * @param eventFailures the counter for failed event handling (Firecracker's per-device name)
   * @param counterNames every counter the device reports, so each appears (at zero) in metrics
   */
  protected VirtioDevice(
      DeviceType type,
      int queueCount,
      long deviceFeatures,
      Counters counters,
      String eventFailures,
      String... counterNames) {
    this.type = Objects.requireNonNull(type, "type");
    if (queueCount < 1) {
      throw new IllegalArgumentException("queueCount: " + queueCount + " (expected: >= 1)");
    }
    this.queueCount = queueCount;
    this.deviceFeatures = deviceFeatures | VirtioFeatures.VERSION_1;
    this.counters = Objects.requireNonNull(counters, "counters");
    this.eventFailures = Objects.requireNonNull(eventFailures, "eventFailures");
    counters.counter("activate_fails");
    counters.counter(eventFailures);
    for (String name : counterNames) {
      counters.counter(name);
    }
  }

  public final DeviceType type() {
    return type;
  }

  public final int queueCount() {
    return queueCount;
  }

  /** The features offered to the driver. */
  public final long deviceFeatures() {
    return deviceFeatures;
  }

  /** This device's metrics group (Firecracker's counter names). */
  public final Counters counters() {
    return counters;
  }

  // ---- the transport's side; called with the lock held ----

  final ReentrantLock lock() {
    return lock;
  }

  final String eventFailuresCounter() {
    return eventFailures;
  }

  final void bind(TransportLink transport) {
    if (link != TransportLink.NONE) {
      throw new IllegalStateException("device " + type + ": already bound to a transport");
    }
    link = Objects.requireNonNull(transport, "transport");
  }

  /** DRIVER_OK: validates the queues and starts the device; false (counted) if it cannot. */
  final boolean activate(GuestMemory guestMemory, List<QueueRegisters> registers, long acked) {
    try {
      start(guestMemory, registers, acked);
      return true;
    } catch (RuntimeException e) {
      counters.increment("activate_fails");
      LOG.log(System.Logger.Level.WARNING, "virtio-" + name() + ": activation failed: " + e);
      clear();
      return false;
    }
  }

  private void start(GuestMemory guestMemory, List<QueueRegisters> registers, long acked) {
    boolean eventIdx = (acked & VirtioFeatures.RING_EVENT_IDX) != 0;
    List<VirtQueue> built = new ArrayList<>();
    for (int i = 0; i < registers.size(); i++) {
      built.add(new VirtQueue(guestMemory, registers.get(i).toLayout(i, MAX_QUEUE_SIZE), eventIdx));
    }
    memory = guestMemory;
    queues = List.copyOf(built);
    ackedFeatures = acked;
    onActivate();
    active = true;
    broken = false;
  }

  /**
   * Activates the device as it was when saved: its queues where they were in their rings, stopped
   * if it had stopped. Unlike the driver's activation a failure throws: the snapshot does not fit.
   */
  final void restoreActivation(
      GuestMemory guestMemory,
      List<QueueRegisters> registers,
      long acked,
      List<QueueState> positions,
      boolean wasBroken) {
    try {
      start(guestMemory, registers, acked);
    } catch (RuntimeException e) {
      clear();
      throw new IllegalArgumentException("activating the device again: " + e.getMessage(), e);
    }
    for (int i = 0; i < queues.size(); i++) {
      QueueState q = positions.get(i);
      queues.get(i).restorePosition(q.nextAvail(), q.nextUsed(), q.unsignalled());
    }
    broken = wasBroken;
  }

  /** The queue's place in its rings, or null before activation (for the transport's save). */
  final VirtQueue activeQueue(int index) {
    return active ? queues.get(index) : null;
  }

  final boolean activeFlag() {
    return active;
  }

  final boolean brokenFlag() {
    return broken;
  }

  /**
   * After a restore, looks at every queue once as if the driver had notified it: a notification the
   * snapshot caught between the guest's write and the device thread is not lost, nor work a rate
   * limiter was holding back. Run on the device thread.
   */
  public final void resumeAfterRestore() {
    for (int i = 0; i < queueCount; i++) {
      int index = i;
      runGuarded(() -> onQueueNotify(index));
    }
  }

  final void readConfigSpace(long offset, byte[] data) {
    byte[] config = configSpace();
    Arrays.fill(data, (byte) 0);
    if (offset < 0 || offset > config.length - data.length) {
      counters.increment("cfg_fails");
      return;
    }
    System.arraycopy(config, (int) offset, data, 0, data.length);
  }

  final void writeConfigSpace(long offset, byte[] data) {
    if (offset < 0
        || offset > configSpace().length - data.length
        || !writeConfig((int) offset, data)) {
      counters.increment("cfg_fails");
    }
  }

  final void queueNotified(int index) {
    runGuarded(() -> onQueueNotify(index));
  }

  /** The driver (or the VMM) reset the device: back to the state before activation. */
  final void reset() {
    boolean wasActive = active;
    clear();
    if (wasActive) {
      onReset();
    }
  }

  // ---- the hooks subclasses implement ----

  /** The device-specific configuration space as it is now (virtio-mmio offset 0x100). */
  protected abstract byte[] configSpace();

  /** A driver write to the configuration space, inside its bounds; false to refuse (counted). */
  protected boolean writeConfig(int offset, byte[] data) {
    return false;
  }

  /** The queues are valid and the features negotiated; throw to fail activation. */
  protected abstract void onActivate();

  /** The driver notified queue {@code index}; runs guarded, on an active device. */
  protected abstract void onQueueNotify(int index);

  /** Drop any state that belonged to the activated device (pending frames, held buffers). */
  protected abstract void onReset();

  // ---- what subclasses get ----

  /**
   * Runs {@code body} under the device lock if the device is active and healthy. A corrupt ring or
   * any other failure inside it is counted and turns the device to DEVICE_NEEDS_RESET.
   */
  protected final void runGuarded(Runnable body) {
    lock.lock();
    try {
      if (!active || broken) {
        return;
      }
      body.run();
    } catch (RuntimeException e) {
      counters.increment(eventFailures);
      fail(e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The callback for a rate limiter that unblocks: counts the event in {@code counter} and runs
   * {@code work} (the throttled queue's processing), guarded like every other entry point.
   */
  protected final Runnable resumeAfterThrottle(String counter, Runnable work) {
    return () ->
        runGuarded(
            () -> {
              counters.increment(counter);
              work.run();
            });
  }

  /** Runs {@code body} under the device lock, whatever the device's state (runtime updates). */
  protected final void locked(Runnable body) {
    lock.lock();
    try {
      body.run();
    } finally {
      lock.unlock();
    }
  }

  /** Reads device state under the device lock (for the API thread). */
  protected final <T> T withLock(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  protected final boolean isActive() {
    return active && !broken;
  }

  protected final GuestMemory memory() {
    return memory;
  }

  protected final VirtQueue queue(int index) {
    return queues.get(index);
  }

  /** The features the driver accepted (valid once active). */
  protected final long ackedFeatures() {
    return ackedFeatures;
  }

  protected final boolean acked(long feature) {
    return (ackedFeatures & feature) == feature;
  }

  /**
   * Serves {@code queue} until it is empty or {@code serveNext} declines (returns false, having put
   * its chain back: the device is throttled), then interrupts the driver if it wants to know. With
   * EVENT_IDX an empty ring is checked once more after asking for notifications, so a chain added
   * meanwhile is not left behind. Returns whether any chain was available.
   */
  protected final boolean drain(VirtQueue queue, Predicate<VirtQueue> serveNext) {
    boolean popped = false;
    boolean throttled = false;
    do {
      while (!throttled && queue.hasAvailable()) {
        popped = true;
        throttled = !serveNext.test(queue);
      }
    } while (!throttled && !queue.enableNotification());
    signalUsed(queue);
    return popped;
  }

  /** Interrupts the driver if it wants to hear about what was used on {@code queue}. */
  protected final void signalUsed(VirtQueue queue) {
    if (queue.needsNotification()) {
      link.usedBuffers();
    }
  }

  /** Tells the driver the configuration space changed (ConfigGeneration + config interrupt). */
  protected final void configChanged() {
    link.configChanged();
  }

  private void fail(RuntimeException cause) {
    broken = true;
    LOG.log(
        System.Logger.Level.WARNING,
        "virtio-" + name() + ": stopped, the driver must reset the device: " + cause.getMessage());
    link.needsReset();
  }

  private String name() {
    return type.name().toLowerCase(Locale.ROOT);
  }

  private void clear() {
    active = false;
    broken = false;
    memory = null;
    queues = List.of();
    ackedFeatures = 0;
  }
}
