package dev.updraft.vmm.virtio.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import dev.updraft.vmm.virtio.DeviceStatus;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.MockVirtQueue.Buffer;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VirtioMemTest {
  private static final long MIB = 1 << 20;
  // 512 MiB of hot-pluggable memory at 512 GiB: 4 slots of 128 MiB, 256 blocks of 2 MiB.
  private static final long BASE = 512L << 30;
  private static final long REGION = 512 * MIB;
  private static final long BLOCK = 2 * MIB;
  private static final long SLOT = 128 * MIB;

  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);
  private final MockVirtQueue queue = new MockVirtQueue(memory, 0x1000, 16, 0x10000, 0x80000);
  private final Counters counters = new Counters("memory_hotplug");
  private final AtomicInteger interrupts = new AtomicInteger();
  private final List<String> calls = new ArrayList<>();
  private boolean discardFails;
  private final HotplugRegion region =
      new HotplugRegion() {
        @Override
        public void slotPlugged(int slot, boolean plugged) {
          calls.add((plugged ? "add " : "remove ") + slot);
        }

        @Override
        public void discard(long offset, long length) {
          if (discardFails) {
            throw new IllegalStateException("madvise: EINVAL");
          }
          calls.add("discard " + offset / MIB + "+" + length / MIB);
        }
      };
  private final VirtioMem device = new VirtioMem(BASE, REGION, BLOCK, SLOT, region, counters);
  private final MmioDriver driver =
      new MmioDriver(new VirtioMmioTransport(device, memory, interrupts::incrementAndGet));

  private void start() {
    driver.initialize(VirtioFeatures.VERSION_1 | VirtioMem.F_UNPLUGGED_INACCESSIBLE, queue);
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  private long config(int offset) {
    return ByteBuffer.wrap(driver.readConfig(offset, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** Sends one request; returns {type, state} of the response. */
  private int[] request(int type, long address, int blocks) {
    ByteBuffer req = ByteBuffer.allocate(MemRequest.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    req.putShort(0, (short) type).putLong(8, address).putShort(16, (short) blocks);
    Buffer in = queue.readable(req.array());
    Buffer out = queue.writable(VirtioMem.RESPONSE_SIZE);
    int before = queue.usedIdx();
    queue.add(in, out);
    driver.notifyQueue(0);
    assertThat(queue.usedIdx()).isEqualTo(before + 1);
    ByteBuffer resp = ByteBuffer.wrap(queue.bytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    return new int[] {resp.getShort(0), resp.getShort(8)};
  }

  private int plug(long offsetMib, int blocks) {
    return request(MemRequest.PLUG, BASE + offsetMib * MIB, blocks)[0];
  }

  private int unplug(long offsetMib, int blocks) {
    return request(MemRequest.UNPLUG, BASE + offsetMib * MIB, blocks)[0];
  }

  @Test
  void isDevice24WithItsRegionInTheConfigurationSpace() {
    assertThat(driver.read(0x08)).isEqualTo(24);
    assertThat(driver.deviceFeatures())
        .isEqualTo(VirtioFeatures.VERSION_1 | VirtioMem.F_UNPLUGGED_INACCESSIBLE);
    assertThat(config(0)).isEqualTo(BLOCK);
    assertThat(config(16)).isEqualTo(BASE);
    assertThat(config(24)).isEqualTo(REGION);
    assertThat(config(32)).isZero(); // usable_region_size
    assertThat(config(40)).isZero(); // plugged_size
    assertThat(config(48)).isZero(); // requested_size
  }

  @Test
  void aDriverThatDoesNotAcceptUnpluggedInaccessibleIsNotStarted() {
    driver.initialize(VirtioFeatures.VERSION_1, queue);
    assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
    assertThat(counter("activate_fails")).isEqualTo(1);
    assertThatThrownBy(() -> device.updateRequestedSize(2)).hasMessageContaining("not active");
  }

  @Test
  void theRequestedSizeGrowsTheUsableRegionToWholeSlotsAndInterrupts() {
    start();
    int before = interrupts.get();
    device.updateRequestedSize(130);
    assertThat(config(48)).isEqualTo(130 * MIB);
    assertThat(config(32)).isEqualTo(256 * MIB);
    assertThat(interrupts.get()).isGreaterThan(before);
    assertThat(driver.interruptStatus() & 2).isEqualTo(2); // configuration change
    device.updateRequestedSize(2);
    assertThat(config(32)).isEqualTo(256 * MIB); // never shrinks but on UNPLUG_ALL
  }

  @Test
  void aRequestedSizeMustBeWholeBlocksInsideTheRegion() {
    start();
    assertThatThrownBy(() -> device.updateRequestedSize(3))
        .isInstanceOf(VirtioMemException.class)
        .hasMessage(
            "requested_size_mib: 3 (expected: a multiple of block_size_mib (2 MiB) of at most"
                + " total_size_mib (512 MiB))");
    assertThatThrownBy(() -> device.updateRequestedSize(514))
        .isInstanceOf(VirtioMemException.class)
        .hasMessageStartingWith("requested_size_mib: 514");
  }

  @Test
  void beforeTheDriverStartsTheDeviceTheSizeCannotChange() {
    assertThatThrownBy(() -> device.updateRequestedSize(2))
        .isInstanceOf(VirtioMemException.class)
        .hasMessageContaining("not active");
  }

  @Test
  void pluggingAddsTheSlotOnceAndCountsThePluggedSize() {
    start();
    device.updateRequestedSize(8);
    assertThat(plug(0, 2)).isEqualTo(VirtioMem.RESP_ACK);
    assertThat(plug(4, 2)).isEqualTo(VirtioMem.RESP_ACK);
    assertThat(calls).containsExactly("add 0");
    assertThat(config(40)).isEqualTo(8 * MIB);
    assertThat(device.status()).isEqualTo(new MemoryHotplugStatus(2, 512, 128, 8, 8));
    assertThat(counter("plug_count")).isEqualTo(2);
    assertThat(counter("plug_bytes")).isEqualTo(8 * MIB);
  }

  @Test
  void noMoreThanTheRequestedSizeIsPlugged() {
    start();
    device.updateRequestedSize(4);
    assertThat(plug(0, 3)).isEqualTo(VirtioMem.RESP_ERROR);
    assertThat(counter("plug_fails")).isEqualTo(1);
    assertThat(calls).isEmpty();
  }

  @Test
  void aRangeMustBeAlignedNonEmptyAndInsideTheUsableRegion() {
    start();
    device.updateRequestedSize(128);
    assertThat(request(MemRequest.PLUG, BASE + MIB, 1)[0]).isEqualTo(VirtioMem.RESP_ERROR);
    assertThat(plug(0, 0)).isEqualTo(VirtioMem.RESP_ERROR);
    assertThat(request(MemRequest.PLUG, BASE - BLOCK, 1)[0]).isEqualTo(VirtioMem.RESP_ERROR);
    assertThat(plug(128, 1)).isEqualTo(VirtioMem.RESP_ERROR); // past the usable 128 MiB
    assertThat(plug(126, 2)).isEqualTo(VirtioMem.RESP_ERROR); // ends past it
    assertThat(plug(126, 1)).isEqualTo(VirtioMem.RESP_ACK);
    assertThat(counter("plug_fails")).isEqualTo(5);
  }

  @Test
  void plugWantsUnpluggedBlocksAndUnplugWantsPluggedOnes() {
    start();
    device.updateRequestedSize(16);
    assertThat(plug(0, 2)).isEqualTo(VirtioMem.RESP_ACK);
    assertThat(plug(2, 2)).isEqualTo(VirtioMem.RESP_ERROR); // block 1 already plugged
    assertThat(unplug(2, 2)).isEqualTo(VirtioMem.RESP_ERROR); // block 2 not plugged
    assertThat(unplug(0, 2)).isEqualTo(VirtioMem.RESP_ACK);
    assertThat(counter("unplug_fails")).isEqualTo(1);
    assertThat(counter("unplug_bytes")).isEqualTo(4 * MIB);
  }

  @Test
  void unpluggingTheLastBlockOfASlotRemovesItBeforeDiscarding() {
    start();
    device.updateRequestedSize(256);
    assertThat(plug(126, 2)).isEqualTo(VirtioMem.RESP_ACK); // blocks 63 (slot 0), 64 (slot 1)
    assertThat(calls).containsExactly("add 0", "add 1");
    calls.clear();
    assertThat(unplug(128, 1)).isEqualTo(VirtioMem.RESP_ACK);
    assertThat(calls).containsExactly("remove 1", "discard 128+2");
    assertThat(config(40)).isEqualTo(2 * MIB);
  }

  @Test
  void stateAnswersPluggedUnpluggedOrMixed() {
    start();
    device.updateRequestedSize(8);
    plug(2, 1);
    assertThat(request(MemRequest.STATE, BASE + 2 * MIB, 1)).containsExactly(0, 0);
    assertThat(request(MemRequest.STATE, BASE + 4 * MIB, 2)).containsExactly(0, 1);
    assertThat(request(MemRequest.STATE, BASE, 2)).containsExactly(0, 2);
    assertThat(request(MemRequest.STATE, BASE + 200 * MIB, 1)[0]).isEqualTo(VirtioMem.RESP_ERROR);
    assertThat(counter("state_count")).isEqualTo(4);
    assertThat(counter("state_fails")).isEqualTo(1);
  }

  @Test
  void unplugAllEmptiesTheRegionAndTheUsableSize() {
    start();
    device.updateRequestedSize(256);
    plug(0, 1);
    plug(130, 1);
    calls.clear();
    assertThat(request(MemRequest.UNPLUG_ALL, 0, 0)[0]).isEqualTo(VirtioMem.RESP_ACK);
    assertThat(calls).containsExactly("remove 0", "remove 1", "discard 0+512");
    assertThat(config(40)).isZero();
    assertThat(config(32)).isZero();
  }

  @Test
  void aFailedDiscardStillUnplugsAndIsCounted() {
    start();
    device.updateRequestedSize(2);
    plug(0, 1);
    discardFails = true;
    assertThat(unplug(0, 1)).isEqualTo(VirtioMem.RESP_ACK);
    assertThat(counter("unplug_discard_fails")).isEqualTo(1);
    assertThat(config(40)).isZero();
  }

  @Test
  void anUnknownRequestGetsAnErrorAndAMalformedChainNoAnswer() {
    start();
    assertThat(request(7, 0, 0)[0]).isEqualTo(VirtioMem.RESP_ERROR);
    Buffer lone = queue.readable(new byte[MemRequest.SIZE]);
    queue.add(lone);
    driver.notifyQueue(0);
    assertThat(queue.used(1)).isEqualTo(new MockVirtQueue.Used(2, 0));
    assertThat(counter("queue_event_fails")).isEqualTo(2);
  }

  @Test
  void theDriverCannotWriteTheConfigurationSpace() {
    start();
    driver.writeConfig(48, new byte[8]);
    assertThat(counter("cfg_fails")).isEqualTo(1);
  }

  @Test
  void stateRoundTripsAndARestoredDeviceGivesBackItsSlots() {
    start();
    device.updateRequestedSize(256);
    plug(0, 1);
    plug(200, 1);
    VirtioMemState saved = device.save();
    StateWriter out = new StateWriter();
    saved.write(out);
    VirtioMemState read = VirtioMemState.read(new StateReader(out.toByteArray(), "test"));
    assertThat(read).isEqualTo(saved);
    assertThat(read.plugged().stream().toArray()).containsExactly(0, 100);

    calls.clear();
    VirtioMem restored = new VirtioMem(BASE, REGION, BLOCK, SLOT, region, counters);
    restored.restore(read);
    assertThat(calls).containsExactly("add 0", "add 1");
    assertThat(restored.status()).isEqualTo(new MemoryHotplugStatus(2, 512, 128, 4, 256));
  }

  @Test
  void aStateOfAnotherRegionIsRefused() {
    VirtioMemState other =
        new VirtioMemState(BASE, 2 * REGION, BLOCK, SLOT, 0, 0, new java.util.BitSet());
    assertThatThrownBy(() -> device.restore(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: the device's");
  }

  @Test
  void aDamagedStateIsRefusedWithTheFieldNamed() {
    assertThatThrownBy(
            () -> new VirtioMemState(BASE, REGION, BLOCK, SLOT, 0, 3 * MIB, new java.util.BitSet()))
        .hasMessageStartingWith("requestedSize: 3145728");
    java.util.BitSet tooMany = new java.util.BitSet();
    tooMany.set(256);
    assertThatThrownBy(() -> new VirtioMemState(BASE, REGION, BLOCK, SLOT, 0, 0, tooMany))
        .hasMessageStartingWith("plugged: block 256");
  }
}
