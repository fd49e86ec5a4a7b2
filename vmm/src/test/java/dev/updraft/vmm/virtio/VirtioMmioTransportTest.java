package dev.updraft.vmm.virtio;

import static dev.updraft.vmm.virtio.DeviceStatus.ACKNOWLEDGE;
import static dev.updraft.vmm.virtio.DeviceStatus.DEVICE_NEEDS_RESET;
import static dev.updraft.vmm.virtio.DeviceStatus.DRIVER;
import static dev.updraft.vmm.virtio.DeviceStatus.DRIVER_OK;
import static dev.updraft.vmm.virtio.DeviceStatus.FAILED;
import static dev.updraft.vmm.virtio.DeviceStatus.FEATURES_OK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VirtioMmioTransportTest {
  private static final long FEATURES = VirtioFeatures.VERSION_1 | TestDevice.F_TEST;

  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);
  private final Counters counters = new Counters("test");
  private final TestDevice device = new TestDevice(counters);
  private final AtomicInteger interrupts = new AtomicInteger();
  private final VirtioMmioTransport transport =
      new VirtioMmioTransport(device, memory, interrupts::incrementAndGet);
  private final MmioDriver driver = new MmioDriver(transport);
  private final MockVirtQueue q0 = new MockVirtQueue(memory, 0x1000, 16, 0x10000, 0x8000);
  private final MockVirtQueue q1 = new MockVirtQueue(memory, 0x3000, 16, 0x18000, 0x8000);

  private long invalid() {
    return counters.snapshot().get(VirtioMmioTransport.INVALID_ACCESSES);
  }

  @Test
  void identifiesItselfAsAVersionTwoVirtioMmioDevice() {
    assertThat(driver.read(0x00)).isEqualTo(0x7472_6976);
    assertThat(driver.read(0x04)).isEqualTo(2);
    assertThat(driver.read(0x08)).isEqualTo(DeviceType.RNG.id());
    assertThat(driver.read(0x0c)).isZero();
    assertThat(driver.deviceFeatures()).isEqualTo(device.deviceFeatures());
    assertThat(device.deviceFeatures() & VirtioFeatures.VERSION_1).isNotZero();
    driver.write(0x14, 2);
    assertThat(driver.read(0x10)).isZero();
    assertThat(transport.deviceType()).isEqualTo(DeviceType.RNG);
    assertThat(transport.queueCount()).isEqualTo(2);
  }

  @Test
  void theStatusMachineActivatesOnDriverOk() {
    assertThat(driver.initialize(FEATURES, q0, q1))
        .isEqualTo(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    assertThat(device.activations).isEqualTo(1);
    assertThat(device.ackedFeatures()).isEqualTo(FEATURES);
    assertThat(invalid()).isZero();
  }

  @Test
  void stepsOutOfOrderAreIgnoredAndCounted() {
    driver.setStatus(DRIVER); // before ACKNOWLEDGE
    assertThat(driver.status()).isZero();
    driver.setStatus(ACKNOWLEDGE);
    driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK); // two bits at once
    assertThat(driver.status()).isEqualTo(ACKNOWLEDGE);
    driver.setStatus(ACKNOWLEDGE | DRIVER);
    driver.setStatus(DRIVER); // clears ACKNOWLEDGE
    assertThat(driver.status()).isEqualTo(ACKNOWLEDGE | DRIVER);
    driver.setStatus(ACKNOWLEDGE | DRIVER | DRIVER_OK); // skips FEATURES_OK
    assertThat(driver.status()).isEqualTo(ACKNOWLEDGE | DRIVER);
    assertThat(device.activations).isZero();
    assertThat(invalid()).isEqualTo(4);
    driver.setStatus(ACKNOWLEDGE | DRIVER | FAILED);
    assertThat(driver.status()).isEqualTo(ACKNOWLEDGE | DRIVER | FAILED);
  }

  @Test
  void featuresOkSticksOnlyForASubsetOfTheOfferWithVersionOne() {
    driver.setStatus(ACKNOWLEDGE);
    driver.setStatus(ACKNOWLEDGE | DRIVER);
    driver.writeDriverFeatures(FEATURES | VirtioFeatures.bit(4)); // not offered
    driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThat(driver.status() & FEATURES_OK).isZero();

    driver.writeDriverFeatures(TestDevice.F_TEST); // a legacy driver: no VERSION_1
    driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThat(driver.status() & FEATURES_OK).isZero();

    driver.write(0x24, 2);
    driver.write(0x20, 1); // a feature above bit 63
    driver.writeDriverFeatures(FEATURES);
    driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThat(driver.status() & FEATURES_OK).isZero();

    driver.setStatus(0);
    driver.setStatus(ACKNOWLEDGE);
    driver.setStatus(ACKNOWLEDGE | DRIVER);
    driver.writeDriverFeatures(FEATURES);
    driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    assertThat(driver.status()).isEqualTo(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    // Features are frozen once accepted.
    long before = invalid();
    driver.writeDriverFeatures(FEATURES);
    assertThat(invalid()).isEqualTo(before + 2);
  }

  @Test
  void queueRegistersAreWritableOnlyBetweenFeaturesOkAndDriverOk() {
    driver.write(0x30, 0);
    assertThat(driver.read(0x34)).isEqualTo(256);
    driver.write(0x30, 2); // no such queue
    assertThat(driver.read(0x34)).isZero();
    driver.write(0x30, 0);
    driver.write(0x38, 16); // too early
    assertThat(invalid()).isEqualTo(1);

    driver.initialize(FEATURES, q0, q1);
    driver.write(0x30, 1);
    assertThat(driver.read(0x44)).isEqualTo(1);
    driver.write(0x80, 0x5000); // too late: the device is running
    assertThat(invalid()).isEqualTo(2);
  }

  @Test
  void badlyShapedAccessesReadZeroAndChangeNothing() {
    byte[] two = {(byte) 0xFF, (byte) 0xFF};
    transport.read(0x00, two);
    assertThat(two).containsExactly(0, 0);
    byte[] unaligned = new byte[4];
    transport.read(0x02, unaligned);
    assertThat(unaligned).containsExactly(0, 0, 0, 0);
    transport.write(0x70, new byte[] {1}); // a 1-byte Status write
    assertThat(driver.status()).isZero();
    assertThat(driver.read(0x5c)).isZero(); // a hole in the register map
    transport.read(0x2000, new byte[4]); // past the window
    assertThat(invalid()).isEqualTo(5);
  }

  @Test
  void configurationSpaceIsReadInAnyWidthWithinBounds() {
    assertThat(driver.readConfig(0, 4)).containsExactly(1, 2, 3, 4);
    assertThat(driver.readConfig(6, 2)).containsExactly(7, 8);
    assertThat(driver.readConfig(0, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(driver.readConfig(6, 4)).containsExactly(0, 0, 0, 0); // crosses the end
    assertThat(counters.snapshot()).containsEntry("cfg_fails", 1L);

    transport.write(0x100, new byte[] {9}); // before DRIVER: refused
    assertThat(driver.readConfig(0, 1)).containsExactly(1);
    driver.setStatus(ACKNOWLEDGE);
    driver.setStatus(ACKNOWLEDGE | DRIVER);
    transport.write(0x100, new byte[] {9});
    assertThat(driver.readConfig(0, 1)).containsExactly(9);
    assertThat(counters.snapshot()).containsEntry("cfg_fails", 2L);
  }

  @Test
  void usedBuffersRaiseInterruptStatusBitZeroUntilAcknowledged() {
    driver.initialize(FEATURES, q0, q1);
    q1.add(q1.writable(64));
    driver.notifyQueue(1);
    assertThat(device.chains).hasSize(1);
    assertThat(q1.used(0)).isEqualTo(new MockVirtQueue.Used(0, 64));
    assertThat(interrupts).hasValue(1);
    assertThat(driver.interruptStatus()).isEqualTo(1);
    driver.acknowledgeInterrupts();
    assertThat(driver.interruptStatus()).isZero();
  }

  @Test
  void eventIdxSuppressesInterruptsTheDriverDidNotAskFor() {
    driver.initialize(FEATURES | VirtioFeatures.RING_EVENT_IDX, q0, q1);
    q0.setUsedEvent(1); // interrupt when the second buffer is used
    q0.add(q0.writable(8));
    transport.notifyQueue(0);
    assertThat(interrupts).hasValue(0);
    assertThat(q0.availEvent()).as("device asks to be notified of the next chain").isEqualTo(1);
    q0.add(q0.writable(8));
    transport.notifyQueue(0);
    assertThat(interrupts).hasValue(1);
  }

  @Test
  void notificationsBeforeDriverOkOrForUnknownQueuesAreIgnored() {
    transport.notifyQueue(0);
    driver.initialize(FEATURES, q0, q1);
    transport.notifyQueue(7);
    driver.notifyQueue(-1);
    assertThat(invalid()).isEqualTo(3);
    assertThat(device.chains).isEmpty();
  }

  @Test
  void aConfigurationChangeBumpsTheGenerationAndInterruptsARunningDriver() {
    int generation = driver.read(0xfc);
    device.changeConfig(new byte[] {4, 4, 4, 4, 4, 4, 4, 4});
    assertThat(driver.read(0xfc)).isEqualTo(generation + 1);
    assertThat(interrupts).as("no driver yet").hasValue(0);
    driver.initialize(FEATURES, q0, q1);
    device.changeConfig(new byte[8]);
    assertThat(driver.read(0xfc)).isEqualTo(generation + 2);
    assertThat(driver.interruptStatus()).isEqualTo(2);
    assertThat(interrupts).hasValue(1);
  }

  @Test
  void writingZeroResetsEverythingButTheConfigGeneration() {
    driver.initialize(FEATURES, q0, q1);
    device.changeConfig(new byte[8]);
    driver.setStatus(0);
    assertThat(driver.status()).isZero();
    assertThat(driver.interruptStatus()).isZero();
    assertThat(driver.read(0xfc)).isEqualTo(1);
    assertThat(device.resets).isEqualTo(1);
    assertThat(device.isActive()).isFalse();
    driver.write(0x30, 0);
    assertThat(driver.read(0x44)).as("queue no longer ready").isZero();
    // And it comes back.
    assertThat(driver.initialize(FEATURES, q0, q1) & DRIVER_OK).isNotZero();
    assertThat(device.activations).isEqualTo(2);
  }

  @Test
  void aFailedActivationSetsDeviceNeedsReset() {
    device.failActivation = true;
    assertThat(driver.initialize(FEATURES, q0, q1) & DEVICE_NEEDS_RESET).isNotZero();
    assertThat(driver.interruptStatus()).isEqualTo(2);
    assertThat(counters.snapshot()).containsEntry("activate_fails", 1L);
    q0.add(q0.writable(8));
    driver.notifyQueue(0);
    assertThat(device.chains).isEmpty();
  }

  @Test
  void queuesOutsideGuestMemoryFailActivation() {
    driver.setStatus(ACKNOWLEDGE);
    driver.setStatus(ACKNOWLEDGE | DRIVER);
    driver.writeDriverFeatures(FEATURES);
    driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
    driver.setUpQueue(0, q0.layout());
    driver.setUpQueue(1, new QueueLayout(16, 0xF_FF80, 0x2000, 0x2400)); // runs off the end
    driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    assertThat(driver.status() & DEVICE_NEEDS_RESET).isNotZero();
    assertThat(counters.snapshot()).containsEntry("activate_fails", 1L);
    assertThat(device.activations).isZero();
  }

  @Test
  void queueSizesAboveTheMaximumOrNotAPowerOfTwoFailActivation() {
    for (int size : new int[] {0, 3, 512}) {
      driver.setStatus(0);
      driver.setStatus(ACKNOWLEDGE);
      driver.setStatus(ACKNOWLEDGE | DRIVER);
      driver.writeDriverFeatures(FEATURES);
      driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK);
      driver.setUpQueue(0, q0.layout());
      driver.setUpQueue(1, q1.layout());
      driver.write(0x38, size);
      driver.setStatus(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
      assertThat(driver.status() & DEVICE_NEEDS_RESET).as("size %d", size).isNotZero();
    }
    assertThat(counters.snapshot()).containsEntry("activate_fails", 3L);
  }

  @Test
  void aCorruptRingStopsTheDeviceUntilTheDriverResetsIt() {
    driver.initialize(FEATURES, q0, q1);
    q0.setAvailIdx(100); // 100 chains on a 16-entry ring
    driver.notifyQueue(0);
    assertThat(driver.status() & DEVICE_NEEDS_RESET).isNotZero();
    assertThat(driver.interruptStatus() & 2).isEqualTo(2);
    assertThat(counters.snapshot()).containsEntry("event_fails", 1L);

    q1.add(q1.writable(8));
    driver.notifyQueue(1);
    assertThat(device.chains).as("a stopped device serves nothing").isEmpty();

    MockVirtQueue fresh = new MockVirtQueue(memory, 0x5000, 16, 0x20000, 0x8000);
    driver.initialize(FEATURES, fresh, q1);
    assertThat(driver.status() & DEVICE_NEEDS_RESET).isZero();
    driver.notifyQueue(1);
    assertThat(device.chains).hasSize(1);
  }

  @Test
  void aHostileChainIsReturnedUnusedAndTheQueueGoesOn() {
    driver.initialize(FEATURES, q0, q1);
    q0.writeDescriptor(0, 0x10000, 8, MockVirtQueue.NEXT, 0); // loops on itself
    q0.publish(0);
    MockVirtQueue.Buffer good = q0.writable(8);
    q0.writeDescriptor(1, good.address(), 8, MockVirtQueue.WRITE, 0);
    q0.publish(1);
    driver.notifyQueue(0);
    assertThat(device.bad).extracting(BadChain::head).containsExactly(0);
    assertThat(device.chains).extracting(DescriptorChain::head).containsExactly(1);
    assertThat(q0.used(0)).isEqualTo(new MockVirtQueue.Used(0, 0));
    assertThat(q0.used(1)).isEqualTo(new MockVirtQueue.Used(1, 8));
    assertThat(driver.status() & DEVICE_NEEDS_RESET).isZero();
  }

  @Test
  void anInterruptThatCannotBeRaisedIsCountedNotThrown() {
    TestDevice other = new TestDevice(counters);
    VirtioMmioTransport broken =
        new VirtioMmioTransport(
            other,
            memory,
            () -> {
              throw new IllegalStateException("irqfd closed");
            });
    MmioDriver otherDriver = new MmioDriver(broken);
    otherDriver.initialize(FEATURES, q0, q1);
    q0.add(q0.writable(8));
    otherDriver.notifyQueue(0);
    assertThat(other.chains).hasSize(1);
    assertThat(counters.snapshot()).containsEntry("event_fails", 1L);
  }

  @Test
  void vcpuThreadsAndTheEventLoopCanUseTheDeviceAtOnce() throws Exception {
    driver.initialize(FEATURES, q0, q1);
    int requests = 5_000;
    AtomicInteger mismatches = new AtomicInteger();
    List<Thread> vcpus = new ArrayList<>();
    for (int v = 0; v < 3; v++) {
      vcpus.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 20_000; i++) {
                      driver.acknowledgeInterrupts();
                      if (driver.readConfig(0, 4)[3] != 4 || driver.read(0x34) != 256) {
                        mismatches.incrementAndGet();
                      }
                    }
                  }));
    }
    MockVirtQueue.Buffer buffer = q0.writable(8);
    for (int i = 0; i < requests; i++) {
      q0.add(buffer);
      transport.notifyQueue(0); // the event loop, on this thread
    }
    for (Thread vcpu : vcpus) {
      vcpu.join();
    }
    assertThat(device.chains).hasSize(requests);
    assertThat(q0.usedIdx()).isEqualTo(requests);
    assertThat(mismatches).hasValue(0);
    assertThat(invalid()).isZero();
  }
}
