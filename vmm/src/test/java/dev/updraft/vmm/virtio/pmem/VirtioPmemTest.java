package dev.updraft.vmm.virtio.pmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The device model of virtio-pmem against Firecracker's rules, one rule per test. */
class VirtioPmemTest {
  private static final long START = 512L << 30;
  private static final PmemRegion REGION = new PmemRegion(START, 4L << 20);

  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);
  private final MockVirtQueue queue = new MockVirtQueue(memory, 0x1000, 16, 0x10000, 0x80000);
  private final Counters counters = new Counters("pmem_p0");
  private final FakeTimers timers = new FakeTimers();
  private final AtomicInteger interrupts = new AtomicInteger();
  private final AtomicInteger syncs = new AtomicInteger();
  private boolean syncFails;
  private final PmemBacking backing =
      new PmemBacking() {
        @Override
        public long fileLength() {
          return 3L << 20;
        }

        @Override
        public void sync() {
          syncs.incrementAndGet();
          if (syncFails) {
            throw new IllegalStateException("msync: EIO");
          }
        }
      };
  private VirtioPmem pmem;
  private MmioDriver driver;

  private void start(RateLimiterConfig limiter) {
    pmem = new VirtioPmem(REGION, backing, limiter, timers, counters);
    driver = new MmioDriver(new VirtioMmioTransport(pmem, memory, interrupts::incrementAndGet));
    driver.initialize(VirtioFeatures.VERSION_1, queue);
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  private static byte[] le32(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }

  private int status(Buffer buffer) {
    return ByteBuffer.wrap(queue.bytes(buffer)).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /** A well-formed flush: the request type, then a status the device writes. */
  private Buffer flush() {
    Buffer status = queue.writable(4);
    queue.add(queue.readable(le32(VirtioPmem.REQ_TYPE_FLUSH)), status);
    return status;
  }

  @Test
  void isDeviceTwentySevenOfferingOnlyVersionOne() {
    start(RateLimiterConfig.UNLIMITED);
    assertThat(driver.read(0x08)).isEqualTo(27);
    assertThat(driver.deviceFeatures()).isEqualTo(VirtioFeatures.VERSION_1);
  }

  @Test
  void theConfigurationSpaceIsTheRegionsStartAndSize() {
    start(RateLimiterConfig.UNLIMITED);
    ByteBuffer config = ByteBuffer.wrap(driver.readConfig(0, 16)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(config.getLong()).isEqualTo(START);
    assertThat(config.getLong()).isEqualTo(4L << 20);
    assertThat(driver.readConfig(8, 4)).isEqualTo(le32(4 << 20));
  }

  @Test
  void aDriverWriteToTheConfigurationSpaceIsRefusedAndCounted() {
    start(RateLimiterConfig.UNLIMITED);
    driver.writeConfig(0, new byte[8]);
    assertThat(driver.readConfig(0, 8)).isEqualTo(driver.readConfig(0, 8));
    assertThat(ByteBuffer.wrap(driver.readConfig(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong())
        .isEqualTo(START);
    assertThat(counter("cfg_fails")).isEqualTo(1);
  }

  @Test
  void aFlushIsAnsweredSuccessAfterTheFileWasSynced() {
    start(RateLimiterConfig.UNLIMITED);
    memory.writeInt(0x10000 + 4, 0x5555_5555); // the status buffer holds garbage before
    Buffer status = flush();
    driver.notifyQueue(0);
    assertThat(syncs).hasValue(1);
    assertThat(status(status)).isEqualTo(VirtioPmem.SUCCESS);
    assertThat(queue.used(0)).isEqualTo(new MockVirtQueue.Used(0, 4));
    assertThat(interrupts).hasValue(1);
    assertThat(counter("queue_event_count")).isEqualTo(1);
    assertThat(counter("event_fails")).isZero();
  }

  @Test
  void aFailedSyncIsAnsweredFailure() {
    start(RateLimiterConfig.UNLIMITED);
    syncFails = true;
    Buffer status = flush();
    driver.notifyQueue(0);
    assertThat(status(status)).isEqualTo(VirtioPmem.FAILURE);
    assertThat(queue.used(0).length()).isEqualTo(4);
  }

  @Test
  void theFlushesOfOneNotificationShareOneSync() {
    start(RateLimiterConfig.UNLIMITED);
    Buffer a = flush();
    Buffer b = flush();
    Buffer c = flush();
    driver.notifyQueue(0);
    assertThat(syncs).hasValue(1);
    assertThat(status(a)).isEqualTo(0);
    assertThat(status(b)).isEqualTo(0);
    assertThat(status(c)).isEqualTo(0);
    assertThat(queue.usedIdx()).isEqualTo(3);
    flush();
    driver.notifyQueue(0);
    assertThat(syncs).hasValue(2);
  }

  @Test
  void aWritableHeadIsRefusedWithLengthZero() {
    start(RateLimiterConfig.UNLIMITED);
    queue.add(queue.writable(4), queue.writable(4));
    driver.notifyQueue(0);
    assertRefused();
  }

  @Test
  void aHeadThatIsNotFourBytesIsRefused() {
    start(RateLimiterConfig.UNLIMITED);
    queue.add(queue.readable(new byte[8]), queue.writable(4));
    driver.notifyQueue(0);
    assertRefused();
  }

  @Test
  void anUnknownRequestTypeIsRefused() {
    start(RateLimiterConfig.UNLIMITED);
    queue.add(queue.readable(le32(1)), queue.writable(4));
    driver.notifyQueue(0);
    assertRefused();
  }

  @Test
  void aChainWithoutStatusIsRefused() {
    start(RateLimiterConfig.UNLIMITED);
    queue.add(queue.readable(le32(0)));
    driver.notifyQueue(0);
    assertRefused();
  }

  @Test
  void aReadOnlyStatusIsRefused() {
    start(RateLimiterConfig.UNLIMITED);
    queue.add(queue.readable(le32(0)), queue.readable(new byte[4]));
    driver.notifyQueue(0);
    assertRefused();
  }

  @Test
  void aStatusThatIsNotFourBytesIsRefused() {
    start(RateLimiterConfig.UNLIMITED);
    queue.add(queue.readable(le32(0)), queue.writable(8));
    driver.notifyQueue(0);
    assertRefused();
  }

  @Test
  void aBadChainDoesNotStopTheGoodOnesAfterIt() {
    start(RateLimiterConfig.UNLIMITED);
    queue.add(queue.readable(le32(7)), queue.writable(4));
    Buffer status = flush();
    driver.notifyQueue(0);
    assertThat(queue.used(0).length()).isZero();
    assertThat(queue.used(1).length()).isEqualTo(4);
    assertThat(status(status)).isEqualTo(0);
    assertThat(counter("event_fails")).isEqualTo(1);
    assertThat(driver.status() & 0x40).as("DEVICE_NEEDS_RESET").isZero();
  }

  private void assertRefused() {
    assertThat(queue.used(0)).isEqualTo(new MockVirtQueue.Used(0, 0));
    assertThat(counter("event_fails")).isEqualTo(1);
    assertThat(syncs).hasValue(0);
  }

  @Test
  void anOpsLimiterHoldsTheSecondFlushUntilItsTimerFires() {
    start(new RateLimiterConfig(TokenBucketConfig.DISABLED, new TokenBucketConfig(1, 0, 1000)));
    flush();
    driver.notifyQueue(0);
    assertThat(queue.usedIdx()).isEqualTo(1);
    flush();
    driver.notifyQueue(0);
    assertThat(queue.usedIdx()).isEqualTo(1);
    assertThat(counter("rate_limiter_throttled_events")).isEqualTo(1);
    timers.advance(Duration.ofSeconds(1));
    timers.runDue();
    assertThat(queue.usedIdx()).isEqualTo(2);
    assertThat(counter("rate_limiter_event_count")).isEqualTo(1);
    assertThat(syncs).hasValue(2);
  }

  @Test
  void aFlushCostsTheFilesLengthInBandwidthAndARefusalGivesTheOpBack() {
    // 3 MiB file: a 4 MiB bucket pays for one flush, not two.
    start(
        new RateLimiterConfig(
            new TokenBucketConfig(4L << 20, 0, 1000), new TokenBucketConfig(10, 0, 1000)));
    flush();
    driver.notifyQueue(0);
    flush();
    driver.notifyQueue(0);
    assertThat(queue.usedIdx()).isEqualTo(1);
    PmemState state = pmem.save();
    assertThat(state.rateLimiter().bandwidth().budget()).isEqualTo(1L << 20);
    assertThat(state.rateLimiter().ops().budget()).isEqualTo(9);
  }

  @Test
  void theStateIsTheRegionAndTheLimitersBucketsAndReadsBack() {
    RateLimiterConfig limit =
        new RateLimiterConfig(TokenBucketConfig.DISABLED, new TokenBucketConfig(5, 0, 1000));
    start(limit);
    flush();
    driver.notifyQueue(0);
    PmemState saved = pmem.save();
    assertThat(saved.region()).isEqualTo(REGION);
    StateWriter out = new StateWriter();
    saved.write(out);
    assertThat(PmemState.read(new StateReader(out.toByteArray(), "pmem"))).isEqualTo(saved);
    VirtioPmem restored =
        new VirtioPmem(
            REGION, backing, RateLimiterConfig.UNLIMITED, timers, new Counters("pmem_p0"));
    restored.restore(saved);
    assertThat(restored.rateLimiter()).isEqualTo(limit);
    assertThat(restored.save()).isEqualTo(saved);
  }

  @Test
  void aStateOfAnotherRegionIsRefused() {
    start(RateLimiterConfig.UNLIMITED);
    PmemState elsewhere =
        new PmemState(new PmemRegion(START + (2L << 20), 4L << 20), pmem.save().rateLimiter());
    assertThatThrownBy(() -> pmem.restore(elsewhere))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pmem region");
  }

  @Test
  void aSavedRegionThatIsNotTwoMibAlignedDoesNotDecode() {
    StateWriter out = new StateWriter();
    out.writeLong(START + 4096).writeLong(2L << 20);
    new PmemState(REGION, pmem().save().rateLimiter()).rateLimiter().write(out);
    assertThatThrownBy(() -> PmemState.read(new StateReader(out.toByteArray(), "pmem")))
        .hasMessageContaining("pmem start")
        .hasMessageContaining("multiple of 2 MiB");
  }

  private VirtioPmem pmem() {
    start(RateLimiterConfig.UNLIMITED);
    return pmem;
  }

  @Test
  void regionsAreTheFilesLengthRoundedUpToTwoMib() {
    assertThat(PmemRegion.sizeFor(1)).isEqualTo(2L << 20);
    assertThat(PmemRegion.sizeFor(2L << 20)).isEqualTo(2L << 20);
    assertThat(PmemRegion.sizeFor((2L << 20) + 1)).isEqualTo(4L << 20);
    assertThatThrownBy(() -> PmemRegion.sizeFor(0)).hasMessageContaining("expected: > 0");
    assertThatThrownBy(() -> new PmemRegion(START, 4096)).hasMessageContaining("pmem size: 4096");
  }
}
