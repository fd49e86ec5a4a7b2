package dev.updraft.vmm.virtio;

import dev.updraft.vmm.devices.BusDevice;
import dev.updraft.vmm.devices.InterruptTrigger;
import dev.updraft.vmm.memory.GuestMemory;
import dev.updraft.vmm.state.Persistent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The virtio-mmio transport, version 2 (virtio 1.1 section 4.2.2): one 4 KiB MMIO window per device
 * with the control registers below 0x100 and the device's configuration space above. It owns the
 * status state machine, feature negotiation, the queue registers and InterruptStatus.
 *
 * <p>Whatever a guest writes, nothing is thrown back: accesses of the wrong width, unaligned, to
 * unknown registers or out of order in the initialisation sequence are ignored and counted ({@value
 * #INVALID_ACCESSES} in the device's counters; bad configuration-space accesses count as {@code
 * cfg_fails}).
 *
 * <p>Threading: vCPU threads call {@link #read}/{@link #write}, the event loop {@link
 * #notifyQueue}; all of it runs under the device's lock.
 */
public final class VirtioMmioTransport implements BusDevice, Persistent<TransportState> {
  /** Size of the MMIO window each transport occupies. */
  public static final long MMIO_SIZE = 0x1000;

  /** QueueNotify: register a KVM ioeventfd here, datamatch = queue index, per queue. */
  public static final long QUEUE_NOTIFY = 0x50;

  /** The counter of ignored register accesses. */
  public static final String INVALID_ACCESSES = "mmio_invalid_accesses";

  static final int MAGIC = 0x7472_6976; // "virt", little-endian
  static final int VERSION = 2;
  static final int INTERRUPT_USED_BUFFER = 0x1;
  static final int INTERRUPT_CONFIG_CHANGE = 0x2;
  private static final long CONFIG_SPACE = 0x100;

  private final VirtioDevice device;
  private final GuestMemory memory;
  private final InterruptTrigger interrupt;
  private final QueueRegisters[] queues;

  private int status;
  private int deviceFeaturesSel;
  private int driverFeaturesSel;
  private long driverFeatures;
  // The driver accepted a feature above bit 63, which no device here offers.
  private boolean driverFeaturesUnknown;
  private int queueSel;
  private int interruptStatus;
  // Never reset: a driver compares it across a read of the configuration space.
  private int configGeneration;

  public VirtioMmioTransport(VirtioDevice device, GuestMemory memory, InterruptTrigger interrupt) {
    this.device = Objects.requireNonNull(device, "device");
    this.memory = Objects.requireNonNull(memory, "memory");
    this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
    this.queues = new QueueRegisters[device.queueCount()];
    Arrays.setAll(queues, i -> new QueueRegisters());
    device.counters().counter(INVALID_ACCESSES);
    device.bind(new Link());
  }

  public DeviceType deviceType() {
    return device.type();
  }

  public int queueCount() {
    return queues.length;
  }

  public VirtioDevice device() {
    return device;
  }

  @Override
  public void read(long offset, byte[] data) {
    device.lock().lock();
    try {
      if (offset >= CONFIG_SPACE && offset < MMIO_SIZE) {
        device.readConfigSpace(offset - CONFIG_SPACE, data);
      } else if (isRegisterAccess(offset, data)) {
        putLe32(data, register((int) offset));
      } else {
        Arrays.fill(data, (byte) 0);
        invalid();
      }
    } finally {
      device.lock().unlock();
    }
  }

  @Override
  public void write(long offset, byte[] data) {
    device.lock().lock();
    try {
      if (offset >= CONFIG_SPACE && offset < MMIO_SIZE) {
        if (has(DeviceStatus.DRIVER)
            && !has(DeviceStatus.FAILED | DeviceStatus.DEVICE_NEEDS_RESET)) {
          device.writeConfigSpace(offset - CONFIG_SPACE, data);
        } else {
          device.counters().increment("cfg_fails");
        }
      } else if (isRegisterAccess(offset, data)) {
        setRegister((int) offset, getLe32(data));
      } else {
        invalid();
      }
    } finally {
      device.lock().unlock();
    }
  }

  /**
   * The driver notified queue {@code index}: from the ioeventfd at {@link #QUEUE_NOTIFY} on the
   * event loop, or from a plain MMIO write on a vCPU thread.
   */
  public void notifyQueue(int index) {
    device.lock().lock();
    try {
      if (index < 0 || index >= queues.length || !has(DeviceStatus.DRIVER_OK)) {
        invalid();
        return;
      }
      device.queueNotified(index);
    } finally {
      device.lock().unlock();
    }
  }

  /** Resets device and transport, as the driver does by writing 0 to Status. */
  public void reset() {
    device.lock().lock();
    try {
      resetState();
    } finally {
      device.lock().unlock();
    }
  }

  @Override
  public TransportState save() {
    device.lock().lock();
    try {
      List<QueueState> saved = new ArrayList<>(queues.length);
      for (int i = 0; i < queues.length; i++) {
        QueueRegisters q = queues[i];
        VirtQueue running = device.activeQueue(i);
        saved.add(
            new QueueState(
                q.size & 0xFFFF,
                q.ready,
                q.descTable,
                q.availRing,
                q.usedRing,
                running == null ? 0 : running.nextAvail(),
                running == null ? 0 : running.nextUsed(),
                running == null ? 0 : running.unsignalled()));
      }
      return new TransportState(
          device.type().id(),
          status,
          deviceFeaturesSel,
          driverFeaturesSel,
          driverFeatures,
          driverFeaturesUnknown,
          queueSel,
          interruptStatus,
          configGeneration,
          saved,
          device.activeFlag(),
          device.brokenFlag());
    } finally {
      device.lock().unlock();
    }
  }

  /**
   * Puts a transport and device made from the same configuration where the saved ones were; an
   * active device is activated again on the saved queues (its hooks run, e.g. virtio-net sets the
   * new TAP's offloads).
   *
   * @throws IllegalArgumentException if the state is of another device type or queue count, or its
   *     queues no longer fit guest memory
   */
  @Override
  public void restore(TransportState state) {
    device.lock().lock();
    try {
      if (state.deviceType() != device.type().id()) {
        throw new IllegalArgumentException(
            "device type: " + state.deviceType() + " (expected: " + device.type().id() + ")");
      }
      if (state.queues().size() != queues.length) {
        throw new IllegalArgumentException(
            "queues: " + state.queues().size() + " (expected: " + queues.length + ")");
      }
      status = state.status();
      deviceFeaturesSel = state.deviceFeaturesSel();
      driverFeaturesSel = state.driverFeaturesSel();
      driverFeatures = state.driverFeatures();
      driverFeaturesUnknown = state.driverFeaturesUnknown();
      queueSel = state.queueSel();
      interruptStatus = state.interruptStatus();
      configGeneration = state.configGeneration();
      for (int i = 0; i < queues.length; i++) {
        QueueState saved = state.queues().get(i);
        QueueRegisters q = new QueueRegisters();
        q.size = saved.size();
        q.ready = saved.ready();
        q.descTable = saved.descTable();
        q.availRing = saved.availRing();
        q.usedRing = saved.usedRing();
        queues[i] = q;
      }
      if (state.active()) {
        device.restoreActivation(
            memory, List.of(queues), driverFeatures, state.queues(), state.broken());
      }
    } finally {
      device.lock().unlock();
    }
  }

  private int register(int offset) {
    return switch (offset) {
      case 0x00 -> MAGIC;
      case 0x04 -> VERSION;
      case 0x08 -> device.type().id();
      case 0x0c -> 0; // vendor id, as Firecracker
      case 0x10 -> featuresPage(device.deviceFeatures(), deviceFeaturesSel);
      case 0x34 -> selectedQueue() == null ? 0 : VirtioDevice.MAX_QUEUE_SIZE;
      case 0x44 -> selectedQueue() != null && selectedQueue().ready ? 1 : 0;
      case 0x60 -> interruptStatus;
      case 0x70 -> status;
      case 0xfc -> configGeneration;
      default -> {
        invalid();
        yield 0;
      }
    };
  }

  private void setRegister(int offset, int value) {
    switch (offset) {
      case 0x14 -> deviceFeaturesSel = value;
      case 0x20 -> setDriverFeatures(value);
      case 0x24 -> driverFeaturesSel = value;
      case 0x30 -> queueSel = value;
      case 0x38 -> setQueue(q -> q.size = value);
      case 0x44 -> setQueue(q -> q.ready = value == 1);
      case 0x50 -> notifyQueue(value);
      case 0x64 -> {
        if (has(DeviceStatus.DRIVER_OK)) {
          interruptStatus &= ~value;
        } else {
          invalid();
        }
      }
      case 0x70 -> setStatus(value);
      case 0x80 -> setQueue(q -> q.descTable = QueueRegisters.low(q.descTable, value));
      case 0x84 -> setQueue(q -> q.descTable = QueueRegisters.high(q.descTable, value));
      case 0x90 -> setQueue(q -> q.availRing = QueueRegisters.low(q.availRing, value));
      case 0x94 -> setQueue(q -> q.availRing = QueueRegisters.high(q.availRing, value));
      case 0xa0 -> setQueue(q -> q.usedRing = QueueRegisters.low(q.usedRing, value));
      case 0xa4 -> setQueue(q -> q.usedRing = QueueRegisters.high(q.usedRing, value));
      default -> invalid();
    }
  }

  private void setDriverFeatures(int value) {
    if (!has(DeviceStatus.DRIVER)
        || has(DeviceStatus.FEATURES_OK | DeviceStatus.FAILED | DeviceStatus.DEVICE_NEEDS_RESET)) {
      invalid();
      return;
    }
    switch (driverFeaturesSel) {
      case 0 ->
          driverFeatures =
              (driverFeatures & 0xFFFF_FFFF_0000_0000L) | Integer.toUnsignedLong(value);
      case 1 -> driverFeatures = (driverFeatures & 0xFFFF_FFFFL) | ((long) value << 32);
      default -> driverFeaturesUnknown |= value != 0;
    }
  }

  /** Queue registers may change between FEATURES_OK and DRIVER_OK only. */
  private void setQueue(Consumer<QueueRegisters> update) {
    QueueRegisters queue = selectedQueue();
    if (queue == null
        || !has(DeviceStatus.FEATURES_OK)
        || has(DeviceStatus.DRIVER_OK | DeviceStatus.FAILED | DeviceStatus.DEVICE_NEEDS_RESET)) {
      invalid();
      return;
    }
    update.accept(queue);
  }

  /**
   * The status state machine (virtio 1.1 section 3.1.1): the driver sets one bit at a time, in
   * order, never clears one, and writes 0 to reset. FEATURES_OK sticks only if the accepted
   * features are a subset of the offered ones and include VERSION_1; DRIVER_OK activates.
   */
  private void setStatus(int value) {
    if (value == 0) {
      resetState();
      return;
    }
    if (value == status) {
      return;
    }
    int added = value & ~status;
    if ((added & DeviceStatus.FAILED) != 0) {
      status |= DeviceStatus.FAILED;
      return;
    }
    if ((value & status) != status) {
      invalid(); // the driver must not clear a bit
      return;
    }
    int ackDriver = DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER;
    boolean valid =
        switch (added) {
          case DeviceStatus.ACKNOWLEDGE -> status == 0;
          case DeviceStatus.DRIVER -> status == DeviceStatus.ACKNOWLEDGE;
          case DeviceStatus.FEATURES_OK -> status == ackDriver && featuresAcceptable();
          case DeviceStatus.DRIVER_OK -> status == (ackDriver | DeviceStatus.FEATURES_OK);
          default -> false;
        };
    if (!valid) {
      invalid();
      return;
    }
    status = value;
    if (added == DeviceStatus.DRIVER_OK
        && !device.activate(memory, List.of(queues), driverFeatures)) {
      needsReset();
    }
  }

  private boolean featuresAcceptable() {
    return !driverFeaturesUnknown
        && (driverFeatures & ~device.deviceFeatures()) == 0
        && (driverFeatures & VirtioFeatures.VERSION_1) != 0;
  }

  private void resetState() {
    device.reset();
    status = 0;
    deviceFeaturesSel = 0;
    driverFeaturesSel = 0;
    driverFeatures = 0;
    driverFeaturesUnknown = false;
    queueSel = 0;
    interruptStatus = 0;
    Arrays.setAll(queues, i -> new QueueRegisters());
  }

  private void needsReset() {
    status |= DeviceStatus.DEVICE_NEEDS_RESET;
    // Virtio 1.1 section 2.1.2: a device that needs a reset sends a configuration change.
    raise(INTERRUPT_CONFIG_CHANGE);
  }

  private void raise(int bit) {
    interruptStatus |= bit;
    try {
      interrupt.trigger();
    } catch (RuntimeException e) {
      device.counters().increment(device.eventFailuresCounter());
    }
  }

  private static int featuresPage(long features, int page) {
    return switch (page) {
      case 0 -> (int) features;
      case 1 -> (int) (features >>> 32);
      default -> 0;
    };
  }

  private QueueRegisters selectedQueue() {
    return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null;
  }

  private boolean has(int bits) {
    return (status & bits) != 0;
  }

  private void invalid() {
    device.counters().increment(INVALID_ACCESSES);
  }

  // Control registers take 32-bit aligned accesses only (virtio 1.1 section 4.2.2.2).
  private static boolean isRegisterAccess(long offset, byte[] data) {
    return offset >= 0 && offset < CONFIG_SPACE && data.length == 4 && (offset & 3) == 0;
  }

  private static int getLe32(byte[] data) {
    return (data[0] & 0xFF)
        | (data[1] & 0xFF) << 8
        | (data[2] & 0xFF) << 16
        | (data[3] & 0xFF) << 24;
  }

  private static void putLe32(byte[] data, int value) {
    for (int i = 0; i < 4; i++) {
      data[i] = (byte) (value >>> (8 * i));
    }
  }

  private final class Link implements TransportLink {
    @Override
    public void usedBuffers() {
      raise(INTERRUPT_USED_BUFFER);
    }

    @Override
    public void configChanged() {
      configGeneration++;
      if (has(DeviceStatus.DRIVER_OK)) {
        raise(INTERRUPT_CONFIG_CHANGE);
      }
    }

    @Override
    public void needsReset() {
      VirtioMmioTransport.this.needsReset();
    }
  }
}
