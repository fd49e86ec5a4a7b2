package dev.updraft.vmm.virtio;

import static dev.updraft.vmm.virtio.DeviceStatus.DEVICE_NEEDS_RESET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A transport and its device saved and restored into fresh ones over the same guest memory (what a
 * snapshot's memory file gives the restored VM): the driver's registers, the device's place in each
 * ring, a stopped device's need for a reset.
 */
class TransportStateTest {
  private static final long FEATURES = VirtioFeatures.VERSION_1 | TestDevice.F_TEST;

  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);
  private final TestDevice device = new TestDevice(new Counters("test"));
  private final VirtioMmioTransport transport = new VirtioMmioTransport(device, memory, () -> {});
  private final MmioDriver driver = new MmioDriver(transport);
  private final MockVirtQueue q0 = new MockVirtQueue(memory, 0x1000, 16, 0x10000, 0x8000);
  private final MockVirtQueue q1 = new MockVirtQueue(memory, 0x3000, 16, 0x18000, 0x8000);

  @Test
  void aRestoredDeviceGoesOnInItsRingsWhereTheSavedOneStopped() {
    driver.initialize(FEATURES | VirtioFeatures.RING_EVENT_IDX, q0, q1);
    for (int i = 0; i < 3; i++) {
      q0.add(q0.writable(8));
    }
    driver.notifyQueue(0);
    device.changeConfig(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
    assertThat(q0.usedIdx()).isEqualTo(3);
    TransportState saved = transport.save();
    assertThat(saved.active()).isTrue();
    assertThat(saved.queues().get(0).nextAvail()).isEqualTo(3);
    assertThat(saved.queues().get(0).nextUsed()).isEqualTo(3);
    assertThat(saved.configGeneration()).isEqualTo(1);

    StateWriter out = new StateWriter();
    saved.write(out);
    TransportState decoded = TransportState.read(new StateReader(out.toByteArray(), "t"));
    assertThat(decoded).isEqualTo(saved);

    AtomicInteger interrupts = new AtomicInteger();
    TestDevice fresh = new TestDevice(new Counters("test"));
    VirtioMmioTransport restored =
        new VirtioMmioTransport(fresh, memory, interrupts::incrementAndGet);
    restored.restore(decoded);
    assertThat(restored.save()).isEqualTo(saved);
    assertThat(fresh.activations).as("activated again, its hooks ran").isEqualTo(1);
    MmioDriver sameDriver = new MmioDriver(restored);
    assertThat(sameDriver.status()).isEqualTo(driver.status());
    assertThat(sameDriver.read(0xfc)).as("ConfigGeneration").isEqualTo(1);

    q0.add(q0.writable(16));
    q0.setUsedEvent(3); // EVENT_IDX: interrupt once the used index passes 3
    sameDriver.notifyQueue(0);
    assertThat(fresh.chains).as("only the new chain, not the three served before").hasSize(1);
    assertThat(q0.usedIdx()).isEqualTo(4);
    assertThat(q0.used(3).length()).isEqualTo(16);
    assertThat(interrupts).hasPositiveValue();
  }

  @Test
  void aNotificationTheSnapshotCaughtIsServedByTheLookAfterRestore() {
    driver.initialize(FEATURES, q0, q1);
    q1.add(q1.writable(8)); // made available, the notification never reached the device
    TransportState saved = transport.save();
    TestDevice fresh = new TestDevice(new Counters("test"));
    new VirtioMmioTransport(fresh, memory, () -> {}).restore(saved);
    fresh.resumeAfterRestore();
    assertThat(fresh.chains).hasSize(1);
    assertThat(q1.usedIdx()).isEqualTo(1);
  }

  @Test
  void aStoppedDeviceStaysStoppedUntilTheDriverResetsIt() {
    driver.initialize(FEATURES, q0, q1);
    q0.setAvailIdx(100); // a corrupt ring
    driver.notifyQueue(0);
    TransportState saved = transport.save();
    assertThat(saved.broken()).isTrue();
    assertThat(saved.status() & DEVICE_NEEDS_RESET).isNotZero();

    TestDevice fresh = new TestDevice(new Counters("test"));
    VirtioMmioTransport restored = new VirtioMmioTransport(fresh, memory, () -> {});
    restored.restore(saved);
    q1.add(q1.writable(8));
    new MmioDriver(restored).notifyQueue(1);
    assertThat(fresh.chains).isEmpty();
  }

  @Test
  void aDeviceTheDriverNeverStartedComesBackUnstarted() {
    driver.setStatus(DeviceStatus.ACKNOWLEDGE);
    driver.setStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    TransportState saved = transport.save();
    TestDevice fresh = new TestDevice(new Counters("test"));
    VirtioMmioTransport restored = new VirtioMmioTransport(fresh, memory, () -> {});
    restored.restore(saved);
    assertThat(fresh.activations).isZero();
    assertThat(new MmioDriver(restored).status())
        .isEqualTo(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
  }

  @Test
  void aStateOfAnotherDeviceOrShapeIsRefused() {
    driver.initialize(FEATURES, q0, q1);
    TransportState saved = transport.save();
    TransportState net =
        new TransportState(
            DeviceType.NET.id(),
            saved.status(),
            0,
            0,
            saved.driverFeatures(),
            false,
            0,
            0,
            0,
            saved.queues(),
            true,
            false);
    VirtioMmioTransport other =
        new VirtioMmioTransport(new TestDevice(new Counters("t")), memory, () -> {});
    assertThatThrownBy(() -> other.restore(net)).hasMessage("device type: 1 (expected: 4)");
    TransportState oneQueue =
        new TransportState(
            saved.deviceType(),
            saved.status(),
            0,
            0,
            saved.driverFeatures(),
            false,
            0,
            0,
            0,
            saved.queues().subList(0, 1),
            true,
            false);
    assertThatThrownBy(() -> other.restore(oneQueue)).hasMessage("queues: 1 (expected: 2)");
    assertThatThrownBy(
            () -> new TransportState(4, 0, 0, 0, 0, false, 0, 0, 0, saved.queues(), true, false))
        .hasMessageContaining("expected: DRIVER_OK on an active device");
  }
}
