package dev.updraft.vmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VirtioBalloonTest {
  // 16 MiB of guest RAM: queues and buffers in the first MiB, pages to give back above it.
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(16 << 20);
  private final MockVirtQueue inflateQueue =
      new MockVirtQueue(memory, 0x1000, 16, 0x40000, 0x10000);
  private final MockVirtQueue deflateQueue =
      new MockVirtQueue(memory, 0x4000, 16, 0x50000, 0x10000);
  private final MockVirtQueue statsQueue = new MockVirtQueue(memory, 0x8000, 16, 0x60000, 0x10000);
  private final Counters counters = new Counters("balloon");
  private final FakeTimers timers = new FakeTimers();
  private final AtomicInteger interrupts = new AtomicInteger();
  private VirtioBalloon balloon;
  private MmioDriver driver;

  private void start(long amountMib, boolean deflateOnOom, int statsIntervalS) {
    balloon = new VirtioBalloon(amountMib, deflateOnOom, statsIntervalS, timers, counters);
    driver = new MmioDriver(new VirtioMmioTransport(balloon, memory, interrupts::incrementAndGet));
    long features =
        VirtioFeatures.VERSION_1 | (driver.deviceFeatures() & ~VirtioFeatures.VERSION_1);
    if (statsIntervalS > 0) {
      driver.initialize(features, inflateQueue, deflateQueue, statsQueue);
    } else {
      driver.initialize(features, inflateQueue, deflateQueue);
    }
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  private int configInt(int offset) {
    return ByteBuffer.wrap(driver.readConfig(offset, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static byte[] pfns(int... frames) {
    ByteBuffer out = ByteBuffer.allocate(4 * frames.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int f : frames) {
      out.putInt(f);
    }
    return out.array();
  }

  private static byte[] stats(Map<Integer, Long> entries) {
    ByteBuffer out =
        ByteBuffer.allocate(StatsFrame.ENTRY_BYTES * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
    entries.forEach((tag, value) -> out.putShort((short) (int) tag).putLong(value));
    return out.array();
  }

  private void fill(long address, int length) {
    byte[] ones = new byte[length];
    Arrays.fill(ones, (byte) 0x5A);
    memory.write(address, ones, 0, length);
  }

  @Test
  void offersItsFeaturesAndTheTargetInItsConfigurationSpace() {
    start(4, true, 1);
    assertThat(driver.read(0x08)).isEqualTo(5);
    assertThat(driver.deviceFeatures())
        .isEqualTo(
            VirtioFeatures.VERSION_1 | VirtioBalloon.F_STATS_VQ | VirtioBalloon.F_DEFLATE_ON_OOM);
    assertThat(configInt(0)).isEqualTo(4 * 256);
    assertThat(configInt(4)).isZero();
  }

  @Test
  void withoutStatisticsOrDeflateOnOomOnlyVersion1IsOffered() {
    start(0, false, 0);
    assertThat(driver.deviceFeatures()).isEqualTo(VirtioFeatures.VERSION_1);
    assertThatThrownBy(balloon::statistics)
        .isInstanceOf(BalloonException.class)
        .hasMessage("Received stats query when stats are disabled.");
  }

  @Test
  void inflatingReleasesTheListedPagesThroughTheDiscardHook() {
    start(1, false, 0);
    fill(0x200000, 4 * 4096);
    fill(0x300000, 4096);
    // Frames 0x200..0x203 in a scrambled order (one run) and 0x300 alone: two discards.
    Buffer list = inflateQueue.readable(pfns(0x202, 0x200, 0x300, 0x203, 0x201));
    inflateQueue.add(list);
    driver.notifyQueue(0);
    assertThat(memory.discardedBytes()).isEqualTo(5 * 4096);
    byte[] page = new byte[4 * 4096];
    memory.read(0x200000, page, 0, page.length);
    assertThat(page).containsOnly(0);
    assertThat(inflateQueue.used(0)).isEqualTo(new MockVirtQueue.Used(0, 0));
    assertThat(interrupts).hasValue(1);
    assertThat(counter("inflate_count")).isEqualTo(1);
  }

  @Test
  void pagesOutsideGuestMemoryAndMalformedListsAreSkippedNotFatal() {
    start(1, false, 0);
    inflateQueue.add(inflateQueue.readable(pfns(0x7FFF_0000)));
    inflateQueue.add(inflateQueue.readable(new byte[] {1, 2, 3})); // not a whole frame number
    inflateQueue.add(inflateQueue.writable(8));
    inflateQueue.add(inflateQueue.readable(new byte[4 * 257])); // more than 256 frames
    driver.notifyQueue(0);
    assertThat(memory.discardedBytes()).isZero();
    assertThat(inflateQueue.usedIdx()).isEqualTo(4);
    assertThat(counter("event_fails")).isEqualTo(1);
    // The device still works.
    inflateQueue.add(inflateQueue.readable(pfns(0x400)));
    driver.notifyQueue(0);
    assertThat(memory.discardedBytes()).isEqualTo(4096);
  }

  @Test
  void deflateBuffersAreReturnedAndTheDriverWritesActual() {
    start(2, true, 0);
    deflateQueue.add(deflateQueue.readable(pfns(0x200, 0x201)));
    driver.notifyQueue(1);
    assertThat(deflateQueue.used(0)).isEqualTo(new MockVirtQueue.Used(0, 0));
    assertThat(counter("deflate_count")).isEqualTo(1);
    assertThat(memory.discardedBytes()).isZero();
    driver.writeConfig(4, pfns(512));
    assertThat(configInt(4)).isEqualTo(512);
    driver.writeConfig(0, pfns(7)); // num_pages is the host's
    assertThat(configInt(0)).isEqualTo(512);
    assertThat(counter("cfg_fails")).isEqualTo(1);
  }

  @Test
  void aNewTargetRaisesAConfigurationChangeInterrupt() {
    start(0, false, 0);
    balloon.updateSize(8);
    assertThat(configInt(0)).isEqualTo(8 * 256);
    assertThat(driver.interruptStatus() & 0x2).isEqualTo(0x2);
    assertThat(interrupts).hasValue(1);
    assertThat(balloon.amountMib()).isEqualTo(8);
    assertThatThrownBy(() -> balloon.updateSize(17))
        .isInstanceOf(BalloonException.class)
        .hasMessage("Requested memory should be less than 17MiB");
  }

  @Test
  void aTargetCannotBeSetBeforeTheDriverStartsTheDevice() {
    VirtioBalloon idle = new VirtioBalloon(0, false, 0, timers, counters);
    new VirtioMmioTransport(idle, memory, interrupts::incrementAndGet);
    assertThatThrownBy(() -> idle.updateSize(1))
        .isInstanceOf(BalloonException.class)
        .hasMessage("Device not activated yet.");
  }

  @Test
  void statisticsComeFromTheHeldBufferWhichEachPollHandsBack() {
    start(4, false, 2);
    statsQueue.add(statsQueue.readable(stats(Map.of(4, 1000L, 5, 4000L, 99, 1L))));
    driver.notifyQueue(2);
    BalloonStats first = balloon.statistics();
    assertThat(first.targetPages()).isEqualTo(1024);
    assertThat(first.targetMib()).isEqualTo(4);
    assertThat(first.guest().values())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(StatTag.FREE_MEMORY, 1000L, StatTag.TOTAL_MEMORY, 4000L));
    assertThat(counter("stats_update_fails")).isEqualTo(1); // tag 99
    assertThat(statsQueue.usedIdx()).isZero(); // held until the poll
    timers.advance(Duration.ofSeconds(2));
    timers.runDue();
    assertThat(statsQueue.usedIdx()).isEqualTo(1);
    // The driver answers with fresh numbers; free memory changes, the total stays.
    statsQueue.add(statsQueue.readable(stats(Map.of(4, 900L))));
    driver.notifyQueue(2);
    assertThat(balloon.statistics().guest().values())
        .containsEntry(StatTag.FREE_MEMORY, 900L)
        .containsEntry(StatTag.TOTAL_MEMORY, 4000L);
    assertThat(timers.pending()).isEqualTo(1); // the next poll is armed
  }

  @Test
  void statisticsCannotBeSwitchedOnOrOffButTheirIntervalMayChange() {
    start(0, false, 5);
    assertThatThrownBy(() -> balloon.updateStatsInterval(0))
        .isInstanceOf(BalloonException.class)
        .hasMessage("Statistics cannot be enabled/disabled after activation.");
    statsQueue.add(statsQueue.readable(stats(Map.of(0, 1L))));
    driver.notifyQueue(2);
    balloon.updateStatsInterval(1);
    assertThat(statsQueue.usedIdx()).isEqualTo(1); // asked at once
    assertThat(balloon.statsIntervalS()).isEqualTo(1);
    timers.advance(Duration.ofSeconds(5));
    timers.runDue(); // the old 5 s timer is void and does not arm again; the 1 s one does
    assertThat(timers.pending()).isEqualTo(1);
    assertThat(timers.nextDue()).isEqualTo(Duration.ofSeconds(1));

    VirtioBalloon off = new VirtioBalloon(0, false, 0, timers, counters);
    assertThatThrownBy(() -> off.updateStatsInterval(3))
        .hasMessage("Statistics cannot be enabled/disabled after activation.");
  }

  @Test
  void itsStateRoundTripsAndComesBackInAFreshDevice() {
    start(4, true, 3);
    statsQueue.add(statsQueue.readable(stats(Map.of(6, 77L))));
    driver.notifyQueue(2);
    driver.writeConfig(4, pfns(300));
    BalloonState saved = balloon.save();
    StateWriter out = new StateWriter();
    saved.write(out);
    BalloonState read = BalloonState.read(new StateReader(out.toByteArray(), "test"));
    assertThat(read).isEqualTo(saved);
    assertThat(read.statsHead()).isZero();
    assertThat(read.actualPages()).isEqualTo(300);

    VirtioBalloon fresh = new VirtioBalloon(4, true, 3, timers, new Counters("balloon"));
    fresh.restore(read);
    assertThat(fresh.save()).isEqualTo(saved);
    assertThat(fresh.statistics().guest().values()).containsEntry(StatTag.AVAILABLE_MEMORY, 77L);
  }

  @Test
  void aResetForgetsActualAndTheHeldBuffer() {
    start(4, false, 3);
    statsQueue.add(statsQueue.readable(stats(Map.of(0, 1L))));
    driver.notifyQueue(2);
    driver.writeConfig(4, pfns(10));
    driver.setStatus(0);
    assertThat(balloon.save().actualPages()).isZero();
    assertThat(balloon.save().statsHead()).isEqualTo(-1);
  }
}
