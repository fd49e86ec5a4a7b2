package dev.updraft.vmm.virtio.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.virtio.DeviceStatus;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * Arbitrary bytes as the guest's inflate lists, deflate lists and stats buffers (the stats frames
 * are parsed by the VMM): nothing throws, only pages inside guest RAM are released, and the
 * statistics stay readable. Unless the guest gave back the pages of its own rings (then it broke
 * its queues, and the device stopping for a reset is right), the device never needs a reset and
 * every inflate and deflate chain goes back. Input: chunks of [queue and cut, length, bytes].
 */
class BalloonFuzzTest {
  // The three queues' rings and their buffers lie below this address.
  private static final long RINGS_AND_BUFFERS = 0x7_0000;

  @FuzzTest(maxDuration = "5s")
  void queues(byte[] data) {
    HeapGuestMemory memory = HeapGuestMemory.ofSize(2 << 20);
    MockVirtQueue inflate = new MockVirtQueue(memory, 0x1000, 16, 0x1_0000, 0x2_0000);
    MockVirtQueue deflate = new MockVirtQueue(memory, 0x3000, 16, 0x3_0000, 0x2_0000);
    MockVirtQueue stats = new MockVirtQueue(memory, 0x5000, 16, 0x5_0000, 0x2_0000);
    FakeTimers timers = new FakeTimers();
    VirtioBalloon balloon = new VirtioBalloon(1, true, 1, timers, new Counters("balloon"));
    MmioDriver driver = new MmioDriver(new VirtioMmioTransport(balloon, memory, () -> {}));
    driver.initialize(
        VirtioFeatures.VERSION_1 | VirtioBalloon.F_STATS_VQ | VirtioBalloon.F_DEFLATE_ON_OOM,
        inflate,
        deflate,
        stats);
    ByteBuffer input = ByteBuffer.wrap(data);
    int[] added = new int[3];
    while (input.remaining() >= 2 && added[0] + added[1] + added[2] < 15) {
      int flags = input.get() & 0xFF;
      int length = Math.min(input.get() & 0xFF, input.remaining());
      byte[] bytes = new byte[length];
      input.get(bytes);
      int queue = flags % 3;
      MockVirtQueue q = queue == 0 ? inflate : queue == 1 ? deflate : stats;
      int cut = length == 0 ? 0 : (flags >>> 2) % length;
      if (cut > 0) {
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
    assertThat(memory.discardedBytes()).isLessThanOrEqualTo(2 << 20);
    assertThat(balloon.statistics().targetPages()).isEqualTo(256);
    if (memory.wasDiscarded(0, RINGS_AND_BUFFERS)) {
      return;
    }
    assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    assertThat(inflate.usedIdx()).isEqualTo(added[0]);
    assertThat(deflate.usedIdx()).isEqualTo(added[1]);
    assertThat(stats.usedIdx()).isBetween(Math.max(0, added[2] - 1), added[2]);
  }
}
