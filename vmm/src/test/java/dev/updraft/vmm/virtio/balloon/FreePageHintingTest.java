package dev.updraft.vmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.MockVirtQueue.Buffer;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Free page hinting (virtio 1.2 section 5.5.6.2) as Firecracker runs it: the host starts a run with
 * a command id, the driver answers with that id then free pages, then STOP; the host ends the run
 * with DONE, by itself if asked to acknowledge the STOP.
 */
class FreePageHintingTest {
  private static final int PAGE = 4096;
  // 16 MiB of guest RAM: queues and buffers in the first MiB, free pages above it.
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(16 << 20);
  private final MockVirtQueue inflate = new MockVirtQueue(memory, 0x1000, 16, 0x40000, 0x8000);
  private final MockVirtQueue deflate = new MockVirtQueue(memory, 0x4000, 16, 0x48000, 0x8000);
  private final MockVirtQueue freePage = new MockVirtQueue(memory, 0x8000, 16, 0x50000, 0x8000);
  private final Counters counters = new Counters("balloon");
  private final AtomicInteger interrupts = new AtomicInteger();
  private VirtioBalloon balloon;
  private MmioDriver driver;

  /** A balloon with hinting only: its free page queue is queue 2. */
  private void start() {
    balloon = new VirtioBalloon(0, false, 0, true, false, new FakeTimers(), counters);
    driver = new MmioDriver(new VirtioMmioTransport(balloon, memory, interrupts::incrementAndGet));
    driver.initialize(driver.deviceFeatures(), inflate, deflate, freePage);
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  private long hintCmdInConfig() {
    return Integer.toUnsignedLong(
        ByteBuffer.wrap(driver.readConfig(8, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt());
  }

  private boolean configInterrupt() {
    boolean raised = (driver.interruptStatus() & 0x2) != 0;
    driver.acknowledgeInterrupts();
    return raised;
  }

  /** The driver's command buffer: a readable little-endian u32. */
  private Buffer cmd(long id) {
    return freePage.readable(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) id).array());
  }

  /** Free pages as Linux posts them: device-writable. */
  private static Buffer pages(long address, int count) {
    return new Buffer(address, count * PAGE, true);
  }

  private void fill(long address, int length) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) 0x5A);
    memory.write(address, bytes, 0, length);
  }

  @Test
  void offersTheFeatureAndStartsWithStopInTheConfigurationSpace() {
    start();
    assertThat(driver.deviceFeatures())
        .isEqualTo(VirtioFeatures.VERSION_1 | VirtioBalloon.F_FREE_PAGE_HINT);
    assertThat(balloon.queueCount()).isEqualTo(3);
    assertThat(hintCmdInConfig()).isZero();
    assertThat(balloon.hintingStatus()).isEqualTo(new HintingStatus(0, null));
  }

  @Test
  void aRunDiscardsThePagesTheDriverHintsAndAnAcknowledgedStopEndsIt() {
    start();
    balloon.startHinting(true);
    assertThat(hintCmdInConfig()).isEqualTo(2);
    assertThat(configInterrupt()).isTrue();
    assertThat(balloon.hintingStatus()).isEqualTo(new HintingStatus(2, null));

    fill(0x200000, 8 * PAGE);
    freePage.add(cmd(2));
    freePage.add(pages(0x200000, 4));
    freePage.add(pages(0x204000, 4));
    driver.notifyQueue(2);
    assertThat(memory.discardedBytes()).isEqualTo(8 * PAGE);
    byte[] page = new byte[PAGE];
    memory.read(0x207000, page, 0, PAGE);
    assertThat(page).containsOnly(0);
    assertThat(freePage.usedIdx()).isEqualTo(3);
    assertThat(balloon.hintingStatus()).isEqualTo(new HintingStatus(2, 2L));
    assertThat(counter("free_page_hint_count")).isEqualTo(2);
    assertThat(counter("free_page_hint_freed")).isEqualTo(8L * PAGE);
    assertThat(configInterrupt()).isFalse(); // the run goes on

    freePage.add(cmd(HintingState.STOP));
    driver.notifyQueue(2);
    // acknowledge_on_stop: the device answers STOP with DONE by itself.
    assertThat(hintCmdInConfig()).isEqualTo(HintingState.DONE);
    assertThat(configInterrupt()).isTrue();
    assertThat(balloon.hintingStatus()).isEqualTo(new HintingStatus(1, 0L));
    assertThat(freePage.usedIdx()).isEqualTo(4);
  }

  @Test
  void withoutAcknowledgeOnStopTheRunEndsWhenTheHostStopsIt() {
    start();
    balloon.startHinting(false);
    configInterrupt();
    freePage.add(cmd(2), pages(0x200000, 1)); // id and pages in one chain work too
    freePage.add(cmd(HintingState.STOP));
    driver.notifyQueue(2);
    assertThat(memory.discardedBytes()).isEqualTo(PAGE);
    assertThat(hintCmdInConfig()).isEqualTo(2);
    assertThat(configInterrupt()).isFalse();
    assertThat(balloon.hintingStatus()).isEqualTo(new HintingStatus(2, 0L));

    balloon.stopHinting();
    assertThat(hintCmdInConfig()).isEqualTo(HintingState.DONE);
    assertThat(configInterrupt()).isTrue();
    assertThat(balloon.hintingStatus()).isEqualTo(new HintingStatus(1, 0L));
  }

  @Test
  void pagesOutsideTheRunGoingOnAreReturnedButKept() {
    start();
    freePage.add(pages(0x200000, 1)); // no run, no id
    driver.notifyQueue(2);
    balloon.startHinting(true);
    freePage.add(pages(0x201000, 1)); // a run, but the driver sent no id yet
    freePage.add(cmd(7), pages(0x202000, 1)); // an id that is not this run's
    driver.notifyQueue(2);
    balloon.startHinting(true); // run 3
    freePage.add(cmd(2), pages(0x203000, 1)); // late pages of run 2
    driver.notifyQueue(2);
    balloon.stopHinting();
    freePage.add(cmd(3), pages(0x204000, 1)); // after the host said DONE
    driver.notifyQueue(2);
    assertThat(memory.discardedBytes()).isZero();
    assertThat(freePage.usedIdx()).isEqualTo(5);
    assertThat(counter("free_page_hint_count")).isZero();
  }

  @Test
  void hintsThatAreNotWholePagesInGuestMemoryAreCountedAsFailures() {
    start();
    balloon.startHinting(true);
    freePage.add(cmd(2), new Buffer(0x200800, PAGE, true), new Buffer(0x201000, 100, true));
    driver.notifyQueue(2);
    assertThat(memory.discardedBytes()).isZero();
    assertThat(counter("free_page_hint_count")).isEqualTo(2);
    assertThat(counter("free_page_hint_fails")).isEqualTo(2);
    assertThat(freePage.usedIdx()).isEqualTo(1);
    assertThat(counter("event_fails")).isZero();
  }

  @Test
  void runIdsCountFromTwoAndSkipStopAndDoneWhenTheyWrap() {
    HintingState state = HintingState.INITIAL.start(true);
    assertThat(state.hostCmd()).isEqualTo(2);
    assertThat(state.start(false).hostCmd()).isEqualTo(3);
    assertThat(state.start(false).acknowledgeOnStop()).isFalse();
    HintingState last = new HintingState(0xFFFF_FFFFL, 0xFFFF_FFFFL, HintingState.NONE, true);
    assertThat(last.start(true).hostCmd()).isEqualTo(2);
    // DONE and a new run keep counting from the last run, not from DONE.
    assertThat(state.withHostCmd(HintingState.DONE).start(true).hostCmd()).isEqualTo(3);
    assertThatThrownBy(() -> new HintingState(1L << 32, 0, HintingState.NONE, true))
        .hasMessage("hostCmd: 4294967296 (expected: 0 to 4294967295)");
  }

  @Test
  void withoutHintingTheRequestsAreRefusedInFirecrackersWords() {
    VirtioBalloon plain = new VirtioBalloon(0, false, 0, new FakeTimers(), counters);
    assertThat(plain.deviceFeatures() & VirtioBalloon.F_FREE_PAGE_HINT).isZero();
    assertThatThrownBy(() -> plain.startHinting(true))
        .isInstanceOf(BalloonException.class)
        .hasMessage("Attempting to use hinting when not enabled");
    assertThatThrownBy(plain::hintingStatus)
        .hasMessage("Attempting to use hinting when not enabled");
    assertThatThrownBy(plain::stopHinting).hasMessage("Attempting to use hinting when not enabled");
  }

  @Test
  void beforeTheDriverStartsTheDeviceARunCannotStartButItsStatusReads() {
    VirtioBalloon idle = new VirtioBalloon(0, false, 0, true, false, new FakeTimers(), counters);
    new VirtioMmioTransport(idle, memory, interrupts::incrementAndGet);
    assertThatThrownBy(() -> idle.startHinting(true)).hasMessage("Device not activated yet.");
    assertThatThrownBy(idle::stopHinting).hasMessage("Device not activated yet.");
    assertThat(idle.hintingStatus()).isEqualTo(new HintingStatus(0, null));
  }

  @Test
  void aResetForgetsTheRun() {
    start();
    balloon.startHinting(true);
    freePage.add(cmd(2));
    driver.notifyQueue(2);
    driver.setStatus(0);
    assertThat(balloon.hintingStatus()).isEqualTo(new HintingStatus(0, null));
    assertThat(balloon.save().hinting()).isEqualTo(HintingState.INITIAL);
  }
}
