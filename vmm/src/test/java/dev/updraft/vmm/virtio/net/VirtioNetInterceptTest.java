package dev.updraft.vmm.virtio.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A frame interceptor on virtio-net: what it claims skips the TAP, what it answers comes first. */
class VirtioNetInterceptTest {
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(4 << 20);
  private final MockVirtQueue rx = new MockVirtQueue(memory, 0x1000, 16, 0x10_0000, 0x10_0000);
  private final MockVirtQueue tx = new MockVirtQueue(memory, 0x3000, 16, 0x20_0000, 0x10_0000);
  private final FakeTimers timers = new FakeTimers();
  private final FakeNetBackend backend = new FakeNetBackend();
  private final Counters counters = new Counters("net_eth0");
  private final Interceptor interceptor = new Interceptor();
  private final VirtioNet net =
      new VirtioNet(
          new NetConfig("eth0", null, 0, RateLimiterConfig.UNLIMITED, RateLimiterConfig.UNLIMITED),
          backend,
          interceptor,
          timers,
          counters);
  private final MmioDriver driver = new MmioDriver(new VirtioMmioTransport(net, memory, () -> {}));

  /** Claims frames whose first byte (after the Ethernet header's 12) is 0x42, answers "pong". */
  private static final class Interceptor implements FrameInterceptor {
    final List<byte[]> taken = new ArrayList<>();
    final List<Boolean> partial = new ArrayList<>();
    final ArrayDeque<byte[]> answers = new ArrayDeque<>();
    long deadline = Long.MAX_VALUE;

    @Override
    public boolean claims(ByteBuffer frame) {
      return frame.limit() > 12 && frame.get(12) == 0x42;
    }

    @Override
    public void accept(ByteBuffer frame, boolean checksumPartial) {
      byte[] bytes = new byte[frame.remaining()];
      frame.get(bytes);
      taken.add(bytes);
      partial.add(checksumPartial);
      answers.add("pong".getBytes());
    }

    @Override
    public int nextFrame(ByteBuffer dst) {
      byte[] answer = answers.poll();
      if (answer == null) {
        return 0;
      }
      dst.put(0, answer);
      return answer.length;
    }

    @Override
    public long nextDeadline() {
      return deadline;
    }
  }

  private static byte[] frame(int marker, int flags) {
    byte[] frame = new byte[VirtioNet.VNET_HDR_LEN + 60];
    frame[0] = (byte) flags;
    frame[VirtioNet.VNET_HDR_LEN + 12] = (byte) marker;
    return frame;
  }

  @Test
  void claimedFramesSkipTheTapAndTheAnswerReachesTheGuest() {
    driver.initialize(VirtioFeatures.VERSION_1, rx, tx);
    MockVirtQueue.Buffer buffer = rx.writable(2048);
    rx.add(buffer);
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    tx.add(tx.readable(frame(0x42, 1)));
    tx.add(tx.readable(frame(0x08, 0)));
    driver.notifyQueue(VirtioNet.TX_QUEUE);
    assertThat(interceptor.taken).hasSize(1);
    assertThat(interceptor.taken.getFirst()).hasSize(60);
    assertThat(interceptor.partial).containsExactly(true);
    assertThat(backend.fromGuest).as("only the other frame").hasSize(1);
    assertThat(counters.snapshot().get("tx_packets_count")).isEqualTo(1);
    byte[] received = Arrays.copyOf(rx.bytes(buffer), VirtioNet.VNET_HDR_LEN + 4);
    assertThat(Arrays.copyOfRange(received, VirtioNet.VNET_HDR_LEN, received.length))
        .isEqualTo("pong".getBytes());
    assertThat(Arrays.copyOf(received, 10)).as("a zeroed vnet header").containsOnly(0);
    assertThat(rx.used(0).length()).isEqualTo(VirtioNet.VNET_HDR_LEN + 4);
  }

  @Test
  void interceptorFramesGoBeforeTheTapsAndWaitForBuffers() {
    driver.initialize(VirtioFeatures.VERSION_1, rx, tx);
    backend.toGuest.add(frame(1, 0));
    tx.add(tx.readable(frame(0x42, 0)));
    driver.notifyQueue(VirtioNet.TX_QUEUE);
    assertThat(rx.usedIdx()).as("no buffers yet").isZero();
    MockVirtQueue.Buffer first = rx.writable(2048);
    MockVirtQueue.Buffer second = rx.writable(2048);
    rx.add(first);
    rx.add(second);
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    assertThat(rx.used(0).length()).as("the answer first").isEqualTo(VirtioNet.VNET_HDR_LEN + 4);
    assertThat(rx.used(1).length()).isEqualTo(VirtioNet.VNET_HDR_LEN + 60);
  }

  @Test
  void aFutureDeadlineArmsOneTimer() {
    driver.initialize(VirtioFeatures.VERSION_1, rx, tx);
    interceptor.deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    assertThat(timers.pending()).isEqualTo(1);
    interceptor.deadline = System.nanoTime() - 1;
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    assertThat(timers.pending()).as("one due now arms nothing").isEqualTo(1);
  }
}
