package dev.updraft.vmm.virtio.rng;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.MockVirtQueue.Buffer;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VirtioRngTest {
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);
  private final MockVirtQueue queue = new MockVirtQueue(memory, 0x1000, 16, 0x10000, 0x80000);
  private final Counters counters = new Counters("entropy");
  private final FakeTimers timers = new FakeTimers();
  private final AtomicInteger interrupts = new AtomicInteger();
  private boolean sourceFails;
  // A predictable source: 1, 2, 3, ... so tests can check what landed where.
  private final EntropySource counting =
      buffer -> {
        if (sourceFails) {
          throw new IOException("/dev/urandom: gone");
        }
        for (int i = 0; i < buffer.length; i++) {
          buffer[i] = (byte) (i + 1);
        }
      };
  private MmioDriver driver;

  private void start(RateLimiterConfig limiter) {
    VirtioRng rng = new VirtioRng(counting, limiter, timers, counters);
    driver = new MmioDriver(new VirtioMmioTransport(rng, memory, interrupts::incrementAndGet));
    driver.initialize(VirtioFeatures.VERSION_1, queue);
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  private static byte[] counting(int length) {
    byte[] expected = new byte[length];
    for (int i = 0; i < length; i++) {
      expected[i] = (byte) (i + 1);
    }
    return expected;
  }

  @Test
  void isAnEntropyDeviceWithoutConfigurationSpace() {
    start(RateLimiterConfig.UNLIMITED);
    assertThat(driver.read(0x08)).isEqualTo(4);
    assertThat(driver.deviceFeatures()).isEqualTo(VirtioFeatures.VERSION_1);
    assertThat(driver.readConfig(0, 4)).containsOnly(0);
    assertThat(counter("cfg_fails")).isEqualTo(1);
  }

  @Test
  void fillsEveryWritableBufferOfAChain() {
    start(RateLimiterConfig.UNLIMITED);
    Buffer first = queue.writable(16);
    Buffer second = queue.writable(48);
    queue.add(first, second);
    driver.notifyQueue(0);
    byte[] expected = counting(64);
    assertThat(queue.bytes(first)).isEqualTo(Arrays.copyOf(expected, 16));
    assertThat(queue.bytes(second)).isEqualTo(Arrays.copyOfRange(expected, 16, 64));
    assertThat(queue.used(0)).isEqualTo(new MockVirtQueue.Used(0, 64));
    assertThat(interrupts).hasValue(1);
    assertThat(counter("entropy_bytes")).isEqualTo(64);
    assertThat(counter("entropy_event_count")).isEqualTo(1);
  }

  @Test
  void aReadableBufferIsReturnedUnused() {
    start(RateLimiterConfig.UNLIMITED);
    Buffer readable = queue.readable(new byte[32]);
    queue.add(readable);
    driver.notifyQueue(0);
    assertThat(queue.used(0)).isEqualTo(new MockVirtQueue.Used(0, 0));
    assertThat(queue.bytes(readable)).containsOnly(0);
    assertThat(counter("entropy_event_fails")).isEqualTo(1);
  }

  @Test
  void aHugeRequestGetsAtMostSixtyFourKibibytes() {
    start(RateLimiterConfig.UNLIMITED);
    Buffer big = queue.writable(100 * 1024);
    queue.add(big);
    driver.notifyQueue(0);
    assertThat(queue.used(0).length()).isEqualTo(VirtioRng.MAX_REQUEST_BYTES);
    byte[] bytes = queue.bytes(big);
    assertThat(Arrays.copyOfRange(bytes, VirtioRng.MAX_REQUEST_BYTES, bytes.length))
        .containsOnly((byte) 0xEE);
  }

  @Test
  void aFailingSourceIsCountedAndTheRequestReturnedEmpty() {
    start(RateLimiterConfig.UNLIMITED);
    sourceFails = true;
    Buffer buffer = queue.writable(32);
    queue.add(buffer);
    driver.notifyQueue(0);
    assertThat(queue.used(0).length()).isZero();
    assertThat(queue.bytes(buffer)).containsOnly((byte) 0xEE);
    assertThat(counter("host_rng_fails")).isEqualTo(1);
  }

  @Test
  void theBandwidthLimiterThrottlesRequestsUntilItsTimerFires() {
    start(new RateLimiterConfig(new TokenBucketConfig(64, 0, 1000), TokenBucketConfig.DISABLED));
    queue.add(queue.writable(64));
    queue.add(queue.writable(64));
    driver.notifyQueue(0);
    assertThat(queue.usedIdx()).isEqualTo(1);
    assertThat(counter("entropy_rate_limiter_throttled")).isEqualTo(1);
    timers.advance(Duration.ofSeconds(1));
    timers.runDue();
    assertThat(queue.usedIdx()).isEqualTo(2);
    assertThat(counter("rate_limiter_event_count")).isEqualTo(1);
  }

  @Test
  void theSystemSourceGivesDifferentBytesEachTime() throws IOException {
    EntropySource system = EntropySource.system();
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    system.fill(a);
    system.fill(b);
    assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[32]);
  }

  @Test
  void theLimitersBucketsAreItsStateAndComeBackInAFreshDevice() {
    RateLimiterConfig limit =
        new RateLimiterConfig(new TokenBucketConfig(100, 0, 1000), TokenBucketConfig.DISABLED);
    VirtioRng rng = new VirtioRng(counting, limit, timers, counters);
    driver = new MmioDriver(new VirtioMmioTransport(rng, memory, interrupts::incrementAndGet));
    driver.initialize(VirtioFeatures.VERSION_1, queue);
    queue.add(queue.writable(60));
    driver.notifyQueue(0);
    RngState saved = rng.save();
    assertThat(saved.rateLimiter().bandwidth().budget()).isEqualTo(40);
    StateWriter out = new StateWriter();
    saved.write(out);
    assertThat(RngState.read(new StateReader(out.toByteArray(), "rng"))).isEqualTo(saved);
    VirtioRng restored =
        new VirtioRng(counting, RateLimiterConfig.UNLIMITED, timers, new Counters("entropy"));
    restored.restore(saved);
    assertThat(restored.rateLimiter()).isEqualTo(limit);
    assertThat(restored.save()).isEqualTo(saved);
  }
}
