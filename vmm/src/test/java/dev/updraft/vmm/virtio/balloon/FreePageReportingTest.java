package dev.updraft.vmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.MockVirtQueue.Buffer;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Free page reporting (virtio 1.2 section 5.5.6.4): the driver posts free pages on the reporting
 * queue, the device discards and returns them. Also the numbering of the queues with every feature
 * on, and the snapshot state of both features.
 */
class FreePageReportingTest {
  private static final int PAGE = 4096;
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(16 << 20);
  private final MockVirtQueue inflate = new MockVirtQueue(memory, 0x1000, 16, 0x40000, 0x8000);
  private final MockVirtQueue deflate = new MockVirtQueue(memory, 0x2000, 16, 0x48000, 0x8000);
  private final MockVirtQueue stats = new MockVirtQueue(memory, 0x3000, 16, 0x50000, 0x8000);
  private final MockVirtQueue freePage = new MockVirtQueue(memory, 0x4000, 16, 0x58000, 0x8000);
  private final MockVirtQueue reporting = new MockVirtQueue(memory, 0x5000, 16, 0x60000, 0x8000);
  private final Counters counters = new Counters("balloon");
  private final AtomicInteger interrupts = new AtomicInteger();
  private VirtioBalloon balloon;
  private MmioDriver driver;
  private VirtioMmioTransport transport;

  private void start(int statsIntervalS, boolean hinting, MockVirtQueue... queues) {
    balloon = new VirtioBalloon(0, true, statsIntervalS, hinting, true, new FakeTimers(), counters);
    transport = new VirtioMmioTransport(balloon, memory, interrupts::incrementAndGet);
    driver = new MmioDriver(transport);
    driver.initialize(driver.deviceFeatures(), queues);
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  @Test
  void reportedPagesAreDiscardedAndTheirBuffersReturned() {
    start(0, false, inflate, deflate, reporting);
    assertThat(driver.deviceFeatures())
        .isEqualTo(
            VirtioFeatures.VERSION_1
                | VirtioBalloon.F_DEFLATE_ON_OOM
                | VirtioBalloon.F_PAGE_REPORTING);
    memory.write(0x200000, new byte[] {1, 2, 3}, 0, 3);
    // Linux reports a scatterlist of free blocks as one chain of writable buffers.
    reporting.add(new Buffer(0x200000, 4 * PAGE, true), new Buffer(0x400000, 2 * PAGE, true));
    reporting.add(new Buffer(0x600000, PAGE, true));
    driver.notifyQueue(2);
    assertThat(memory.discardedBytes()).isEqualTo(7 * PAGE);
    assertThat(memory.readByte(0x200001)).isZero();
    assertThat(reporting.usedIdx()).isEqualTo(2);
    assertThat(reporting.used(0)).isEqualTo(new MockVirtQueue.Used(0, 0));
    assertThat(reporting.used(1)).isEqualTo(new MockVirtQueue.Used(2, 0));
    assertThat(interrupts).hasValue(1);
    assertThat(counter("free_page_report_count")).isEqualTo(3);
    assertThat(counter("free_page_report_freed")).isEqualTo(7L * PAGE);
    assertThat(counter("free_page_report_fails")).isZero();
  }

  @Test
  void reportsThatAreNotWholePagesInGuestMemoryAreReturnedAndCounted() {
    start(0, false, inflate, deflate, reporting);
    reporting.add(new Buffer(0x200100, PAGE, true)); // not page aligned
    reporting.add(new Buffer(0x200000, 100, true)); // not a whole page
    reporting.add(new Buffer(0x7FFF_0000L, PAGE, true)); // outside guest RAM
    reporting.add(new Buffer(0x300000, 0, true)); // empty: a bad chain, returned uncounted
    driver.notifyQueue(2);
    assertThat(memory.discardedBytes()).isZero();
    assertThat(reporting.usedIdx()).isEqualTo(4);
    assertThat(counter("free_page_report_fails")).isEqualTo(3);
    assertThat(counter("event_fails")).isZero();
    reporting.add(new Buffer(0x300000, PAGE, true)); // the device still works
    driver.notifyQueue(2);
    assertThat(memory.discardedBytes()).isEqualTo(PAGE);
  }

  @Test
  void queuesAreNumberedInLinuxsOrderOfThoseOffered() {
    start(1, true, inflate, deflate, stats, freePage, reporting);
    assertThat(balloon.queueCount()).isEqualTo(5);
    reporting.add(new Buffer(0x200000, PAGE, true));
    driver.notifyQueue(4);
    assertThat(memory.discardedBytes()).isEqualTo(PAGE);
    balloon.startHinting(true);
    freePage.add(
        freePage.readable(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(2).array()),
        new Buffer(0x300000, PAGE, true));
    driver.notifyQueue(3);
    assertThat(memory.discardedBytes()).isEqualTo(2 * PAGE);
    assertThat(balloon.hintingStatus().guestCmd()).isEqualTo(2L);
  }

  @Test
  void theStateKeepsBothFeaturesAndTheRunAndARestoreEndsTheRunWithDone() {
    start(0, true, inflate, deflate, freePage, reporting);
    balloon.startHinting(false);
    freePage.add(
        freePage.readable(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(2).array()));
    driver.notifyQueue(2);
    BalloonState saved = balloon.save();
    assertThat(saved.freePageHinting()).isTrue();
    assertThat(saved.freePageReporting()).isTrue();
    assertThat(saved.hinting()).isEqualTo(new HintingState(2, 2, 2, false));
    StateWriter out = new StateWriter();
    saved.write(out);
    BalloonState read = BalloonState.read(new StateReader(out.toByteArray(), "test"));
    assertThat(read).isEqualTo(saved);

    // A fresh device on the same queues, as a restore builds it.
    VirtioBalloon fresh = new VirtioBalloon(0, true, 0, true, true, new FakeTimers(), counters);
    AtomicInteger freshInterrupts = new AtomicInteger();
    VirtioMmioTransport restored =
        new VirtioMmioTransport(fresh, memory, freshInterrupts::incrementAndGet);
    restored.restore(transport.save());
    fresh.restore(read);
    assertThat(fresh.hintingStatus()).isEqualTo(new HintingStatus(1, 2L));
    assertThat(freshInterrupts).hasValue(0);
    fresh.resumeAfterRestore();
    // The driver hears of DONE once the device runs again, and takes its hinted pages back.
    assertThat(freshInterrupts).hasValue(1);
    MmioDriver after = new MmioDriver(restored);
    assertThat(after.interruptStatus() & 0x2).isEqualTo(0x2);
    assertThat(ByteBuffer.wrap(after.readConfig(8, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt())
        .isEqualTo(1);
  }

  @Test
  void aStateSectionInFormat11ReadsAsABalloonWithoutEither() {
    // What a 1.1 VMM wrote: the fields up to the statistics, and nothing after them.
    StateWriter out = new StateWriter();
    out.writeLong(512).writeLong(256).writeBool(true).writeInt(5).writeInt(-1);
    out.writeInt(1).writeShort(StatTag.FREE_MEMORY.tag()).writeLong(1234);
    BalloonState read = BalloonState.read(new StateReader(out.toByteArray(), "test"));
    assertThat(read)
        .isEqualTo(
            new BalloonState(
                512, 256, true, 5, -1, new GuestStats(Map.of(StatTag.FREE_MEMORY, 1234L))));
    assertThat(read.freePageHinting()).isFalse();
    assertThat(read.hinting()).isEqualTo(HintingState.INITIAL);
  }
}
