package dev.updraft.vmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.virtio.DeviceStatus;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * Arbitrary bytes as the guest's inflate lists, deflate lists and stats buffers (the stats frames
 * are parsed by the VMM), and as the free page hinting and reporting queues' buffers (command ids
 * and page ranges anywhere, aligned or not, in guest RAM or not), with the host starting and
 * stopping hinting runs in between: nothing throws, only pages inside guest RAM are released
 * (HeapGuestMemory refuses anything else, which would break the device), and the statistics and the
 * hinting status stay readable. Unless the guest gave back the pages of its own rings (then it
 * broke its queues, and the device stopping for a reset is right), the device never needs a reset
 * and every inflate, deflate, free page and reporting chain goes back. Input: chunks of [queue, cut
 * and host action, length, bytes].
 */
class BalloonFuzzTest {
  // The five queues' rings and their buffers lie below this address.
  private static final long RINGS_AND_BUFFERS = 0x9_0000;
  private static final int QUEUES = 5;

  @FuzzTest(maxDuration = "5s")
  void queues(byte[] data) {
    HeapGuestMemory memory = HeapGuestMemory.ofSize(2 << 20);
    MockVirtQueue inflate = new MockVirtQueue(memory, 0x1000, 16, 0x1_0000, 0x2_0000);
    MockVirtQueue deflate = new MockVirtQueue(memory, 0x3000, 16, 0x3_0000, 0x2_0000);
    MockVirtQueue stats = new MockVirtQueue(memory, 0x5000, 16, 0x5_0000, 0x1_0000);
    MockVirtQueue freePage = new MockVirtQueue(memory, 0x7000, 16, 0x6_0000, 0x1_0000);
    MockVirtQueue reporting = new MockVirtQueue(memory, 0x9000, 16, 0x7_0000, 0x2_0000);
    MockVirtQueue[] queues = {inflate, deflate, stats, freePage, reporting};
    FakeTimers timers = new FakeTimers();
    VirtioBalloon balloon =
        new VirtioBalloon(1, true, 1, true, true, timers, new Counters("balloon"));
    MmioDriver driver = new MmioDriver(new VirtioMmioTransport(balloon, memory, () -> {}));
    driver.initialize(driver.deviceFeatures(), queues);
    ByteBuffer input = ByteBuffer.wrap(data);
    int[] added = new int[QUEUES];
    while (input.remaining() >= 3 && Arrays.stream(added).sum() < 15) {
      int queue = (input.get() & 0xFF) % QUEUES;
      int flags = input.get() & 0xFF;
      int length = Math.min(input.get() & 0xFF, input.remaining());
      byte[] bytes = new byte[length];
      input.get(bytes);
      MockVirtQueue q = queues[queue];
      int cut = length == 0 ? 0 : (flags >>> 2) % length;
      if (queue >= 3) {
        hostAction(balloon, driver, flags & 0x3);
        q.add(freePageBuffers(q, bytes));
      } else if (cut > 0) {
        q.add(
            q.readable(Arrays.copyOfRange(bytes, 0, cut)),
            q.readable(Arrays.copyOfRange(bytes, cut, length)));
      } else {
        q.add(q.readable(bytes));
      }
      added[queue]++;
      driver.notifyQueue(queue);
      if ((flags & 0x80) != 0) {
        timers.advance(Duration.ofSeconds(1));
        timers.runDue();
      }
    }
    assertThat(balloon.statistics().targetPages()).isEqualTo(256);
    assertThat(balloon.hintingStatus().hostCmd()).isLessThan(2L + 15);
    if (memory.wasDiscarded(0, RINGS_AND_BUFFERS)) {
      return;
    }
    assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    assertThat(inflate.usedIdx()).isEqualTo(added[0]);
    assertThat(deflate.usedIdx()).isEqualTo(added[1]);
    assertThat(stats.usedIdx()).isBetween(Math.max(0, added[2] - 1), added[2]);
    assertThat(freePage.usedIdx()).isEqualTo(added[3]);
    assertThat(reporting.usedIdx()).isEqualTo(added[4]);
  }

  /**
   * 0: nothing; 1 and 2: a new run, acknowledging the driver's STOP or not; 3: DONE. A device the
   * guest broke (it stopped for a reset) refuses, as the API then answers 400; nothing else may.
   */
  private static void hostAction(VirtioBalloon balloon, MmioDriver driver, int action) {
    try {
      switch (action) {
        case 1 -> balloon.startHinting(true);
        case 2 -> balloon.startHinting(false);
        case 3 -> balloon.stopHinting();
        default -> {}
      }
    } catch (BalloonException e) {
      assertThat(e).hasMessage("Device not activated yet.");
      assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
    }
  }

  /**
   * One chain of at most 8 buffers, 3 bytes each: a length byte of 0xFF makes a command id buffer
   * (0 STOP, 1 DONE, 2 and 3 the first runs'); else a u16 in units of 2 KiB (half of them not page
   * aligned, most beyond the 2 MiB of RAM) and a length in KiB (0 and partial pages included).
   */
  private static MockVirtQueue.Buffer[] freePageBuffers(MockVirtQueue q, byte[] bytes) {
    int count = Math.max(1, Math.min(8, bytes.length / 3));
    MockVirtQueue.Buffer[] buffers = new MockVirtQueue.Buffer[count];
    for (int i = 0; i < count; i++) {
      int at = 3 * i;
      int unit = at + 1 < bytes.length ? (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 : 0;
      int size = at + 2 < bytes.length ? bytes[at + 2] & 0xFF : 4;
      buffers[i] =
          size == 0xFF
              ? q.readable(new byte[] {(byte) (unit % 4), 0, 0, 0})
              : new MockVirtQueue.Buffer(unit * 0x800L, size * 0x400, true);
    }
    return buffers;
  }
}
