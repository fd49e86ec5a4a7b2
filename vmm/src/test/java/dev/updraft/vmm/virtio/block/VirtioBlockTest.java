package dev.updraft.vmm.virtio.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.BucketUpdate;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.ratelimit.RateLimiter;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterUpdate;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import dev.updraft.vmm.virtio.DeviceStatus;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.MockVirtQueue.Buffer;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtioBlockTest {
  private static final long FEATURES = VirtioFeatures.VERSION_1 | VirtioFeatures.RING_EVENT_IDX;
  private static final int SECTORS = 16;

  @TempDir Path dir;
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);
  private final MockVirtQueue queue = new MockVirtQueue(memory, 0x1000, 16, 0x10000, 0x70000);
  private final Counters counters = new Counters("block_rootfs");
  private final FakeTimers timers = new FakeTimers();
  private final AtomicInteger interrupts = new AtomicInteger();
  private Path disk;
  private byte[] original;
  private VirtioBlock block;
  private MmioDriver driver;

  private void start(boolean readOnly, CacheType cache, RateLimiterConfig limiter)
      throws IOException {
    disk = dir.resolve("disk.img");
    original = new byte[SECTORS * 512 + 100]; // a partial sector at the end is not on the disk
    for (int i = 0; i < original.length; i++) {
      original[i] = (byte) (i * 7 + i / 512);
    }
    Files.write(disk, original);
    block =
        new VirtioBlock(
            new BlockConfig("rootfs", disk, readOnly, cache, limiter), timers, counters);
    driver = new MmioDriver(new VirtioMmioTransport(block, memory, interrupts::incrementAndGet));
    long features = FEATURES | (readOnly ? VirtioBlock.F_RO : 0);
    assertThat(driver.initialize(features, queue) & DeviceStatus.DRIVER_OK).isNotZero();
  }

  private void start() throws IOException {
    start(false, CacheType.UNSAFE, RateLimiterConfig.UNLIMITED);
  }

  private Buffer header(int type, long sector) {
    ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    return queue.readable(header.putInt(type).putInt(0).putLong(sector).array());
  }

  /** Sends a request and returns its status buffer (1 byte, 0xEE until the device writes it). */
  private Buffer send(int type, long sector, Buffer... data) {
    Buffer status = queue.writable(1);
    Buffer[] chain = new Buffer[data.length + 2];
    chain[0] = header(type, sector);
    System.arraycopy(data, 0, chain, 1, data.length);
    chain[data.length + 1] = status;
    queue.add(chain);
    driver.notifyQueue(0);
    return status;
  }

  private int status(Buffer status) {
    return queue.bytes(status)[0] & 0xFF;
  }

  private long capacityInConfig() {
    return ByteBuffer.wrap(driver.readConfig(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  @Test
  void offersCapacityAndFeaturesByConfiguration() throws IOException {
    start();
    assertThat(driver.read(0x08)).isEqualTo(2);
    assertThat(capacityInConfig()).isEqualTo(SECTORS);
    assertThat(block.capacitySectors()).isEqualTo(SECTORS);
    assertThat(driver.deviceFeatures() & (VirtioBlock.F_RO | VirtioBlock.F_FLUSH)).isZero();
    BlockConfig readOnlyWriteback =
        new BlockConfig("ro", disk, true, CacheType.WRITEBACK, RateLimiterConfig.UNLIMITED);
    try (VirtioBlock other = new VirtioBlock(readOnlyWriteback, timers, new Counters("b"))) {
      assertThat(other.deviceFeatures() & VirtioBlock.F_RO).isNotZero();
      assertThat(other.deviceFeatures() & VirtioBlock.F_FLUSH).isNotZero();
    }
  }

  @Test
  void readsTheFileIntoTheGuestsBuffers() throws IOException {
    start();
    Buffer first = queue.writable(512);
    Buffer second = queue.writable(512);
    Buffer status = send(BlockRequest.T_IN, 2, first, second);
    assertThat(status(status)).isEqualTo(VirtioBlock.S_OK);
    assertThat(queue.bytes(first)).isEqualTo(Arrays.copyOfRange(original, 1024, 1536));
    assertThat(queue.bytes(second)).isEqualTo(Arrays.copyOfRange(original, 1536, 2048));
    assertThat(queue.used(0).length()).isEqualTo(1025);
    assertThat(counter("read_bytes")).isEqualTo(1024);
    assertThat(counter("read_count")).isEqualTo(1);
    assertThat(interrupts).hasValue(1);
  }

  @Test
  void writesTheGuestsBuffersToTheFile() throws IOException {
    start();
    byte[] data = new byte[1024];
    Arrays.fill(data, (byte) 0x5A);
    Buffer status = send(BlockRequest.T_OUT, 3, queue.readable(data));
    assertThat(status(status)).isEqualTo(VirtioBlock.S_OK);
    assertThat(queue.used(0).length()).isEqualTo(1);
    byte[] expected = original.clone();
    System.arraycopy(data, 0, expected, 3 * 512, 1024);
    assertThat(Files.readAllBytes(disk)).isEqualTo(expected);
    assertThat(counter("write_bytes")).isEqualTo(1024);
    assertThat(counter("write_count")).isEqualTo(1);
  }

  @Test
  void flushSucceedsAndIsCounted() throws IOException {
    start(false, CacheType.WRITEBACK, RateLimiterConfig.UNLIMITED);
    assertThat(status(send(BlockRequest.T_FLUSH, 0))).isEqualTo(VirtioBlock.S_OK);
    assertThat(counter("flush_count")).isEqualTo(1);
  }

  @Test
  void getIdReturnsTheDriveIdPaddedToTwentyBytes() throws IOException {
    start();
    Buffer id = queue.writable(20);
    assertThat(status(send(BlockRequest.T_GET_ID, 0, id))).isEqualTo(VirtioBlock.S_OK);
    assertThat(queue.bytes(id)).isEqualTo(Arrays.copyOf("rootfs".getBytes(), 20));
    assertThat(queue.used(0).length()).isEqualTo(21);
  }

  @Test
  void getIdIntoATooSmallBufferFailsWithoutWritingIt() throws IOException {
    start();
    Buffer small = queue.writable(8);
    assertThat(status(send(BlockRequest.T_GET_ID, 0, small))).isEqualTo(VirtioBlock.S_IOERR);
    assertThat(queue.bytes(small)).containsOnly((byte) 0xEE);
  }

  @Test
  void requestsPastTheEndFailWithoutTouchingFileOrBuffers() throws IOException {
    start();
    Buffer in = queue.writable(1024);
    assertThat(status(send(BlockRequest.T_IN, SECTORS - 1, in))).isEqualTo(VirtioBlock.S_IOERR);
    assertThat(queue.bytes(in)).containsOnly((byte) 0xEE);
    byte[] data = new byte[512];
    assertThat(status(send(BlockRequest.T_OUT, SECTORS, queue.readable(data))))
        .isEqualTo(VirtioBlock.S_IOERR);
    // Sector numbers with the top bit set, negative as a Java long.
    assertThat(status(send(BlockRequest.T_OUT, Long.MIN_VALUE + 1, queue.readable(data))))
        .isEqualTo(VirtioBlock.S_IOERR);
    assertThat(status(send(BlockRequest.T_OUT, -1L, queue.readable(data))))
        .isEqualTo(VirtioBlock.S_IOERR);
    // The partial sector past the capacity is not part of the disk either.
    assertThat(status(send(BlockRequest.T_OUT, SECTORS - 1, queue.readable(new byte[1024]))))
        .isEqualTo(VirtioBlock.S_IOERR);
    assertThat(Files.readAllBytes(disk)).isEqualTo(original);
    assertThat(counter("invalid_reqs_count")).isEqualTo(5);
  }

  @Test
  void aDataLengthThatIsNotWholeSectorsFails() throws IOException {
    start();
    Buffer in = queue.writable(100);
    assertThat(status(send(BlockRequest.T_IN, 0, in))).isEqualTo(VirtioBlock.S_IOERR);
    assertThat(queue.bytes(in)).containsOnly((byte) 0xEE);
  }

  @Test
  void aReadOnlyDriveRefusesWritesAndItsFileIsNeverChanged() throws IOException {
    start(true, CacheType.UNSAFE, RateLimiterConfig.UNLIMITED);
    assertThat(driver.deviceFeatures() & VirtioBlock.F_RO).isNotZero();
    Buffer status = send(BlockRequest.T_OUT, 0, queue.readable(new byte[512]));
    assertThat(status(status)).isEqualTo(VirtioBlock.S_IOERR);
    assertThat(Files.readAllBytes(disk)).isEqualTo(original);
    Buffer in = queue.writable(512);
    assertThat(status(send(BlockRequest.T_IN, 0, in))).isEqualTo(VirtioBlock.S_OK);
    assertThat(queue.bytes(in)).isEqualTo(Arrays.copyOf(original, 512));
  }

  @Test
  void unknownRequestTypesAreUnsupported() throws IOException {
    start();
    int discard = 11;
    assertThat(status(send(discard, 0, queue.readable(new byte[16]))))
        .isEqualTo(VirtioBlock.S_UNSUPP);
    assertThat(queue.used(0).length()).isEqualTo(1);
  }

  @Test
  void chainsWithoutARequestsShapeAreReturnedUntouched() throws IOException {
    start();
    // The header is writable.
    Buffer status = queue.writable(1);
    queue.add(queue.writable(16), status);
    // A read into a buffer the device may only read: it must not write into it.
    Buffer readOnlyData = queue.readable(new byte[512]);
    Buffer status2 = queue.writable(1);
    queue.add(header(BlockRequest.T_IN, 0), readOnlyData, status2);
    // A write from a device-writable buffer: it must not reach the file.
    Buffer status3 = queue.writable(1);
    queue.add(header(BlockRequest.T_OUT, 0), queue.writable(512), status3);
    // A status buffer the device may not write.
    queue.add(header(BlockRequest.T_FLUSH, 0), queue.readable(new byte[1]));
    // Only a header.
    queue.add(header(BlockRequest.T_FLUSH, 0));
    driver.notifyQueue(0);

    assertThat(queue.usedIdx()).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      assertThat(queue.used(i).length()).isZero();
    }
    assertThat(queue.bytes(status)).containsOnly((byte) 0xEE);
    assertThat(queue.bytes(status2)).containsOnly((byte) 0xEE);
    assertThat(queue.bytes(status3)).containsOnly((byte) 0xEE);
    assertThat(queue.bytes(readOnlyData)).containsOnly((byte) 0);
    assertThat(Files.readAllBytes(disk)).isEqualTo(original);
    assertThat(counter("invalid_reqs_count")).isEqualTo(5);
    assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
  }

  @Test
  void aNotificationWithNothingQueuedIsCounted() throws IOException {
    start();
    driver.notifyQueue(0);
    assertThat(counter("queue_event_count")).isEqualTo(1);
    assertThat(counter("no_avail_buffer")).isEqualTo(1);
  }

  @Test
  void theOpsLimiterStopsTheQueueUntilItsTimerFires() throws IOException {
    start(
        false,
        CacheType.UNSAFE,
        new RateLimiterConfig(TokenBucketConfig.DISABLED, new TokenBucketConfig(1, 0, 1000)));
    send(BlockRequest.T_FLUSH, 0);
    send(BlockRequest.T_FLUSH, 0);
    assertThat(queue.usedIdx()).isEqualTo(1);
    assertThat(counter("rate_limiter_throttled_events")).isEqualTo(1);

    // Notifications while blocked do not retry; the timer does.
    driver.notifyQueue(0);
    assertThat(queue.usedIdx()).isEqualTo(1);
    timers.advance(RateLimiter.REFILL_TIMER);
    timers.runDue();
    assertThat(counter("rate_limiter_event_count")).isEqualTo(1);
    assertThat(queue.usedIdx()).as("a tenth of a token is not enough").isEqualTo(1);
    timers.advance(Duration.ofMillis(900));
    timers.runDue();
    assertThat(queue.usedIdx()).isEqualTo(2);
    assertThat(counter("flush_count")).isEqualTo(2);
  }

  @Test
  void theBandwidthLimiterChargesDataBytesAndLetsABigRequestOverspend() throws IOException {
    start(
        false,
        CacheType.UNSAFE,
        new RateLimiterConfig(new TokenBucketConfig(1024, 0, 100), TokenBucketConfig.DISABLED));
    send(BlockRequest.T_IN, 0, queue.writable(2048)); // twice the bucket: allowed, then a pause
    send(BlockRequest.T_IN, 0, queue.writable(512));
    assertThat(queue.usedIdx()).isEqualTo(1);
    assertThat(timers.nextDue()).isEqualTo(Duration.ofMillis(100));
    timers.advance(Duration.ofMillis(100));
    timers.runDue();
    assertThat(queue.usedIdx()).isEqualTo(2);
    assertThat(counter("read_bytes")).isEqualTo(2560);
  }

  @Test
  void aRuntimeLimiterUpdateTakesEffect() throws IOException {
    start(
        false,
        CacheType.UNSAFE,
        new RateLimiterConfig(TokenBucketConfig.DISABLED, new TokenBucketConfig(1, 0, 60_000)));
    send(BlockRequest.T_FLUSH, 0);
    send(BlockRequest.T_FLUSH, 0);
    assertThat(queue.usedIdx()).isEqualTo(1);
    block.updateRateLimiter(
        new RateLimiterUpdate(BucketUpdate.keep(), BucketUpdate.of(TokenBucketConfig.DISABLED)));
    assertThat(block.rateLimiter()).isEqualTo(RateLimiterConfig.UNLIMITED);
    timers.advance(RateLimiter.REFILL_TIMER);
    timers.runDue();
    assertThat(queue.usedIdx()).isEqualTo(2);
  }

  @Test
  void updatePathSwapsTheFileAndTellsTheDriver() throws IOException {
    start();
    Path bigger = dir.resolve("bigger.img");
    byte[] content = new byte[64 * 512];
    Arrays.fill(content, (byte) 0x33);
    Files.write(bigger, content);
    int generation = driver.read(0xfc);
    driver.acknowledgeInterrupts();

    block.updatePath(bigger);
    assertThat(block.path()).isEqualTo(bigger);
    assertThat(capacityInConfig()).isEqualTo(64);
    assertThat(driver.read(0xfc)).isEqualTo(generation + 1);
    assertThat(driver.interruptStatus()).isEqualTo(2);
    assertThat(counter("update_count")).isEqualTo(1);
    Buffer in = queue.writable(512);
    send(BlockRequest.T_IN, 40, in);
    assertThat(queue.bytes(in)).containsOnly((byte) 0x33);

    Path missing = dir.resolve("missing.img");
    assertThatThrownBy(() -> block.updatePath(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("path_on_host: " + missing);
    assertThat(counter("update_fails")).isEqualTo(1);
    assertThat(block.path()).isEqualTo(bigger);
  }

  @Test
  void aMissingFileIsRefusedWithItsPath() {
    Path missing = dir.resolve("nope.img");
    BlockConfig config =
        new BlockConfig("d", missing, false, CacheType.UNSAFE, RateLimiterConfig.UNLIMITED);
    assertThatThrownBy(() -> new VirtioBlock(config, timers, counters))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("path_on_host: " + missing + " (expected: a readable and writable");
  }

  @Test
  void theLimitersBucketsAreItsStateAndComeBackInAFreshDevice() throws IOException {
    // One op per second: the first request passes, the second is throttled.
    start(
        false,
        CacheType.UNSAFE,
        new RateLimiterConfig(TokenBucketConfig.DISABLED, new TokenBucketConfig(1, 0, 1000)));
    send(BlockRequest.T_FLUSH, 0);
    BlockState saved = block.save();
    assertThat(saved.rateLimiter().ops().budget()).isZero();
    StateWriter out = new StateWriter();
    saved.write(out);
    BlockState decoded = BlockState.read(new StateReader(out.toByteArray(), "block"));
    assertThat(decoded).isEqualTo(saved);

    VirtioBlock restored =
        new VirtioBlock(
            new BlockConfig("rootfs", disk, false, CacheType.UNSAFE, RateLimiterConfig.UNLIMITED),
            timers,
            new Counters("block_rootfs"));
    restored.restore(decoded);
    assertThat(restored.rateLimiter()).isEqualTo(block.rateLimiter());
    assertThat(restored.save()).isEqualTo(saved);
    restored.close();
  }
}
