package dev.updraft.vmm.virtio.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.BucketUpdate;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.ratelimit.RateLimiter;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterState;
import dev.updraft.vmm.ratelimit.RateLimiterUpdate;
import dev.updraft.vmm.ratelimit.TokenBucketConfig;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import dev.updraft.vmm.virtio.DeviceStatus;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.MockVirtQueue.Buffer;
import dev.updraft.vmm.virtio.TransportState;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VirtioNetTest {
  private static final long BASE = VirtioFeatures.VERSION_1 | VirtioFeatures.RING_EVENT_IDX;
  private static final long OFFLOADS =
      VirtioNet.F_CSUM
          | VirtioNet.F_GUEST_CSUM
          | VirtioNet.F_GUEST_TSO4
          | VirtioNet.F_GUEST_TSO6
          | VirtioNet.F_GUEST_UFO;
  private static final MacAddress MAC = MacAddress.parse("06:00:ac:10:00:02");

  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(4 << 20);
  private final MockVirtQueue rx = new MockVirtQueue(memory, 0x1000, 16, 0x10_0000, 0x10_0000);
  private final MockVirtQueue tx = new MockVirtQueue(memory, 0x3000, 16, 0x20_0000, 0x10_0000);
  private final Counters counters = new Counters("net_eth0");
  private final FakeTimers timers = new FakeTimers();
  private final FakeNetBackend backend = new FakeNetBackend();
  private final AtomicInteger interrupts = new AtomicInteger();
  private VirtioNet net;
  private VirtioMmioTransport transport;
  private MmioDriver driver;

  private void start(NetConfig config, long features) {
    net = new VirtioNet(config, backend, timers, counters);
    transport = new VirtioMmioTransport(net, memory, interrupts::incrementAndGet);
    driver = new MmioDriver(transport);
    driver.initialize(features, rx, tx);
  }

  private void start(long features) {
    start(config(RateLimiterConfig.UNLIMITED, RateLimiterConfig.UNLIMITED), features);
  }

  private static NetConfig config(RateLimiterConfig rxLimit, RateLimiterConfig txLimit) {
    return new NetConfig("eth0", MAC, 1500, rxLimit, txLimit);
  }

  /** A frame: a 12-byte vnet header, then {@code payload} bytes counting up from {@code seed}. */
  private static byte[] frame(int payload, int seed) {
    byte[] frame = new byte[VirtioNet.VNET_HDR_LEN + payload];
    for (int i = VirtioNet.VNET_HDR_LEN; i < frame.length; i++) {
      frame[i] = (byte) (seed + i);
    }
    return frame;
  }

  private static int numBuffers(byte[] received) {
    return ByteBuffer.wrap(received).order(ByteOrder.LITTLE_ENDIAN).getShort(10);
  }

  private long counter(String name) {
    return counters.snapshot().get(name);
  }

  @Test
  void offersFirecrackersFeaturesAndConfigSpace() {
    start(BASE);
    assertThat(driver.read(0x08)).isEqualTo(1);
    long offered = driver.deviceFeatures();
    assertThat(offered)
        .isEqualTo(
            BASE
                | OFFLOADS
                | VirtioNet.F_HOST_TSO4
                | VirtioNet.F_HOST_TSO6
                | VirtioNet.F_HOST_UFO
                | VirtioNet.F_MRG_RXBUF
                | VirtioNet.F_MAC
                | VirtioNet.F_MTU);
    ByteBuffer config = ByteBuffer.wrap(driver.readConfig(0, 12)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] mac = new byte[6];
    config.get(mac);
    assertThat(MacAddress.of(mac)).isEqualTo(MAC);
    assertThat(config.getShort()).as("status: link up").isEqualTo((short) 1);
    assertThat(config.getShort()).as("max_virtqueue_pairs").isEqualTo((short) 1);
    assertThat(config.getShort()).as("mtu").isEqualTo((short) 1500);

    VirtioNet plain =
        new VirtioNet(
            new NetConfig(
                "eth1", null, 0, RateLimiterConfig.UNLIMITED, RateLimiterConfig.UNLIMITED),
            backend,
            timers,
            new Counters("net_eth1"));
    assertThat(plain.deviceFeatures() & (VirtioNet.F_MAC | VirtioNet.F_MTU)).isZero();
  }

  @Test
  void activationTellsTheBackendWhichOffloadsTheGuestAccepted() {
    start(BASE | OFFLOADS);
    assertThat(backend.offloads)
        .isEqualTo(
            NetBackend.TUN_F_CSUM
                | NetBackend.TUN_F_TSO4
                | NetBackend.TUN_F_TSO6
                | NetBackend.TUN_F_UFO);
    assertThat(VirtioNet.tunOffloads(VirtioNet.F_GUEST_TSO4)).as("TSO needs CSUM").isZero();
    assertThat(VirtioNet.tunOffloads(VirtioNet.F_GUEST_CSUM)).isEqualTo(NetBackend.TUN_F_CSUM);
  }

  @Test
  void aBackendThatRefusesTheOffloadsFailsActivation() {
    backend.failOffload = true;
    start(BASE | OFFLOADS);
    assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isNotZero();
    assertThat(counter("activate_fails")).isEqualTo(1);
  }

  @Test
  void transmitsAFrameSpreadOverSeveralBuffers() {
    start(BASE);
    byte[] frame = frame(100, 1);
    tx.add(
        tx.readable(Arrays.copyOfRange(frame, 0, 12)),
        tx.readable(Arrays.copyOfRange(frame, 12, 112)));
    driver.notifyQueue(VirtioNet.TX_QUEUE);
    assertThat(backend.fromGuest).containsExactly(frame);
    assertThat(tx.used(0)).isEqualTo(new MockVirtQueue.Used(0, 0));
    assertThat(interrupts).hasValue(1);
    assertThat(counter("tx_packets_count")).isEqualTo(1);
    assertThat(counter("tx_bytes_count")).isEqualTo(112);
    assertThat(counter("tx_count")).isEqualTo(1);
  }

  @Test
  void malformedTxFramesAreDroppedAndCounted() {
    start(BASE);
    tx.add(tx.readable(frame(50, 0)), tx.writable(10)); // a buffer the device would write
    tx.add(tx.readable(new byte[11])); // shorter than the header
    tx.add(tx.readable(new byte[40_000]), tx.readable(new byte[30_000])); // over 65562 bytes
    tx.add(tx.readable(frame(60, 3)));
    driver.notifyQueue(VirtioNet.TX_QUEUE);
    assertThat(backend.fromGuest).containsExactly(frame(60, 3));
    assertThat(counter("tx_malformed_frames")).isEqualTo(3);
    assertThat(tx.usedIdx()).isEqualTo(4);
  }

  @Test
  void aFailingBackendWriteDropsTheFrameAndGoesOn() {
    start(BASE);
    backend.failWrites = true;
    tx.add(tx.readable(frame(60, 0)));
    driver.notifyQueue(VirtioNet.TX_QUEUE);
    assertThat(tx.usedIdx()).isEqualTo(1);
    assertThat(counter("tap_write_fails")).isEqualTo(1);
    assertThat(counter("tx_fails")).isEqualTo(1);
  }

  @Test
  void receivesAFrameIntoOneBuffer() {
    start(BASE);
    Buffer buffer = rx.writable(2048);
    rx.add(buffer);
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    byte[] frame = frame(500, 9);
    backend.toGuest.add(frame);
    net.onBackendReadable();

    byte[] received = Arrays.copyOf(rx.bytes(buffer), frame.length);
    assertThat(numBuffers(received)).isEqualTo(1);
    received[10] = 0;
    assertThat(received).isEqualTo(frame);
    assertThat(rx.bytes(buffer)[frame.length]).as("nothing past the frame").isEqualTo((byte) 0xEE);
    assertThat(rx.used(0)).isEqualTo(new MockVirtQueue.Used(0, frame.length));
    assertThat(interrupts).hasValue(1);
    assertThat(counter("rx_packets_count")).isEqualTo(1);
    assertThat(counter("rx_bytes_count")).isEqualTo(frame.length);
  }

  @Test
  void readsTheBackendUntilItWouldBlock() {
    start(BASE);
    for (int i = 0; i < 3; i++) {
      rx.add(rx.writable(2048));
      backend.toGuest.add(frame(100, i));
    }
    net.onBackendReadable();
    assertThat(rx.usedIdx()).isEqualTo(3);
    assertThat(backend.toGuest).isEmpty();
    assertThat(counter("rx_count")).isEqualTo(3);
  }

  @Test
  void aFrameWaitsForTheGuestToAddBuffers() {
    start(BASE);
    backend.toGuest.add(frame(300, 4));
    backend.toGuest.add(frame(300, 5));
    net.onBackendReadable();
    assertThat(counter("no_rx_avail_buffer")).isEqualTo(1);
    assertThat(backend.toGuest).as("the second frame is still in the backend").hasSize(1);
    assertThat(rx.availEvent()).as("the device asks to hear of new buffers").isZero();

    Buffer buffer = rx.writable(1024);
    rx.add(buffer);
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    byte[] received = Arrays.copyOf(rx.bytes(buffer), 312);
    received[10] = 0;
    assertThat(received).isEqualTo(frame(300, 4));
    assertThat(rx.availEvent()).isEqualTo(1);
    assertThat(counter("no_rx_avail_buffer")).isEqualTo(2);

    rx.add(rx.writable(1024));
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    assertThat(rx.usedIdx()).isEqualTo(2);
    assertThat(backend.toGuest).isEmpty();
  }

  @Test
  void withMergeableBuffersAFrameSpansSeveralChains() {
    start(BASE | VirtioNet.F_MRG_RXBUF);
    Buffer first = rx.writable(1500);
    Buffer second = rx.writable(1500);
    Buffer third = rx.writable(1500);
    rx.add(first);
    rx.add(second);
    rx.add(third);
    byte[] frame = frame(2988, 2); // 3000 bytes: exactly two buffers
    backend.toGuest.add(frame);
    net.onBackendReadable();

    assertThat(rx.usedIdx()).isEqualTo(2);
    assertThat(rx.used(0)).isEqualTo(new MockVirtQueue.Used(0, 1500));
    assertThat(rx.used(1)).isEqualTo(new MockVirtQueue.Used(1, 1500));
    byte[] received = new byte[3000];
    System.arraycopy(rx.bytes(first), 0, received, 0, 1500);
    System.arraycopy(rx.bytes(second), 0, received, 1500, 1500);
    assertThat(numBuffers(received)).isEqualTo(2);
    received[10] = 0;
    assertThat(received).isEqualTo(frame);

    backend.toGuest.add(frame(100, 7)); // the third buffer, held, takes the next frame
    net.onBackendReadable();
    assertThat(rx.used(2)).isEqualTo(new MockVirtQueue.Used(2, 112));
    assertThat(numBuffers(rx.bytes(third))).isEqualTo(1);
  }

  @Test
  void withoutMergeableBuffersAFrameTooBigForABufferIsDropped() {
    start(BASE);
    Buffer small = rx.writable(200);
    rx.add(small);
    backend.toGuest.add(frame(500, 0));
    backend.toGuest.add(frame(100, 1));
    net.onBackendReadable();
    assertThat(counter("rx_fails")).isEqualTo(1);
    assertThat(rx.usedIdx()).isEqualTo(1);
    assertThat(rx.used(0).length()).isEqualTo(112);
  }

  @Test
  void rxBuffersTheDeviceMayNotWriteAreReturnedUnused() {
    start(BASE);
    rx.add(rx.readable(new byte[2048]));
    Buffer good = rx.writable(2048);
    rx.add(good);
    backend.toGuest.add(frame(60, 0));
    net.onBackendReadable();
    assertThat(rx.used(0)).isEqualTo(new MockVirtQueue.Used(0, 0));
    assertThat(rx.used(1)).isEqualTo(new MockVirtQueue.Used(1, 72));
    assertThat(counter("rx_fails")).isEqualTo(1);
  }

  @Test
  void theRxLimiterHoldsFramesUntilItsTimerFires() {
    RateLimiterConfig oneFramePerSecond =
        new RateLimiterConfig(TokenBucketConfig.DISABLED, new TokenBucketConfig(1, 0, 1000));
    start(config(oneFramePerSecond, RateLimiterConfig.UNLIMITED), BASE);
    rx.add(rx.writable(2048));
    rx.add(rx.writable(2048));
    backend.toGuest.add(frame(60, 0));
    backend.toGuest.add(frame(60, 1));
    net.onBackendReadable();
    assertThat(rx.usedIdx()).isEqualTo(1);
    assertThat(counter("rx_rate_limiter_throttled")).isEqualTo(1);

    timers.advance(Duration.ofSeconds(1));
    timers.runDue();
    assertThat(counter("rx_event_rate_limiter_count")).isEqualTo(1);
    assertThat(rx.usedIdx()).isEqualTo(2);
  }

  @Test
  void theTxLimiterHoldsFramesUntilItsTimerFiresAndCanBeLifted() {
    RateLimiterConfig hundredBytes =
        new RateLimiterConfig(new TokenBucketConfig(100, 0, 60_000), TokenBucketConfig.DISABLED);
    start(config(RateLimiterConfig.UNLIMITED, hundredBytes), BASE);
    tx.add(tx.readable(frame(60, 0)));
    tx.add(tx.readable(frame(60, 1)));
    driver.notifyQueue(VirtioNet.TX_QUEUE);
    assertThat(backend.fromGuest).hasSize(1);
    assertThat(counter("tx_rate_limiter_throttled")).isEqualTo(1);

    net.updateRateLimiters(
        RateLimiterUpdate.NONE,
        new RateLimiterUpdate(BucketUpdate.of(TokenBucketConfig.DISABLED), BucketUpdate.keep()));
    assertThat(net.txRateLimiter()).isEqualTo(RateLimiterConfig.UNLIMITED);
    timers.advance(RateLimiter.REFILL_TIMER);
    timers.runDue();
    assertThat(backend.fromGuest).hasSize(2);
    assertThat(counter("tx_rate_limiter_event_count")).isEqualTo(1);
  }

  @Test
  void theDriverMaySetTheMacThroughTheConfigSpace() {
    start(BASE);
    byte[] newMac = {2, 0, 0, 0, 0, 9};
    driver.writeConfig(0, Arrays.copyOf(newMac, 4));
    driver.writeConfig(4, Arrays.copyOfRange(newMac, 4, 6));
    assertThat(driver.readConfig(0, 6)).isEqualTo(newMac);
    assertThat(counter("mac_address_updates")).isEqualTo(2);
    driver.writeConfig(10, new byte[] {1, 2}); // the MTU is read-only
    assertThat(driver.readConfig(10, 2)).containsExactly(0xDC, 0x05);
    assertThat(counter("cfg_fails")).isEqualTo(1);
  }

  @Test
  void aResetForgetsThePendingFrame() {
    start(BASE);
    backend.toGuest.add(frame(60, 0));
    net.onBackendReadable();
    driver.initialize(BASE, rx, tx);
    rx.add(rx.writable(2048));
    driver.notifyQueue(VirtioNet.RX_QUEUE);
    assertThat(rx.usedIdx()).isZero();
  }

  @Test
  void framesBeforeActivationStayInTheBackend() {
    net =
        new VirtioNet(
            config(RateLimiterConfig.UNLIMITED, RateLimiterConfig.UNLIMITED),
            backend,
            timers,
            counters);
    backend.toGuest.add(frame(60, 0));
    net.onBackendReadable();
    assertThat(backend.toGuest).hasSize(1);
  }

  @Test
  void receiveChainsHeldAtTheSnapshotAreHeldAgainAfterTheRestore() {
    start(BASE | VirtioNet.F_MRG_RXBUF);
    driver.writeConfig(0, new byte[] {2, 0, 0, 0, 0, 9}); // the driver's own MAC
    int first = rx.add(rx.writable(1024));
    int second = rx.add(rx.writable(1024));
    backend.toGuest.add(frame(3000, 1)); // too big for two: both held, waiting for a third
    net.onBackendReadable();
    assertThat(rx.usedIdx()).isZero();
    NetState saved = net.save();
    assertThat(saved.heldRxHeads()).containsExactly(first, second);
    TransportState savedTransport = transport.save();
    StateWriter out = new StateWriter();
    saved.write(out);
    NetState decoded = NetState.read(new StateReader(out.toByteArray(), "net"));
    assertThat(decoded).isEqualTo(saved);

    FakeNetBackend tap = new FakeNetBackend();
    VirtioNet restored =
        new VirtioNet(
            config(RateLimiterConfig.UNLIMITED, RateLimiterConfig.UNLIMITED),
            tap,
            timers,
            new Counters("net_eth0"));
    VirtioMmioTransport restoredTransport = new VirtioMmioTransport(restored, memory, () -> {});
    restoredTransport.restore(savedTransport);
    restored.restore(decoded);
    assertThat(tap.offloads).as("the new TAP got the offloads at activation").isNotNegative();
    byte[] mac = new MmioDriver(restoredTransport).readConfig(0, 6);
    assertThat(mac).containsExactly(2, 0, 0, 0, 0, 9);

    int third = rx.add(rx.writable(1024));
    tap.toGuest.add(frame(2500, 7)); // the frame read before the snapshot is lost, as on a NIC
    restored.onBackendReadable();
    assertThat(rx.usedIdx()).isEqualTo(3);
    assertThat(rx.used(0).id()).isEqualTo(first);
    assertThat(rx.used(1).id()).isEqualTo(second);
    assertThat(rx.used(2).id()).isEqualTo(third);
    assertThat(decoded.rxRateLimiter()).isEqualTo(RateLimiterState.UNLIMITED);
  }
}
