package dev.updraft.vmm.virtio.net;

import dev.updraft.vmm.devices.Timers;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.RateLimiter;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.ratelimit.RateLimiterUpdate;
import dev.updraft.vmm.state.Blob;
import dev.updraft.vmm.state.Persistent;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.DeviceType;
import dev.updraft.vmm.virtio.GuestBuffers;
import dev.updraft.vmm.virtio.QueueEntry;
import dev.updraft.vmm.virtio.VirtQueue;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Objects;

/**
 * virtio-net (device id 1) as Firecracker has it: an rx and a tx queue of 256, frames with a
 * 12-byte {@code virtio_net_hdr_v1} passed through to the backend unchanged (the TAP's vnet header
 * does the offload work), the offloads Firecracker offers, MAC and MTU when configured, and a rate
 * limiter per direction (one op and the frame's bytes per frame). A tx chain that is not a frame
 * (writable buffers, shorter than the header, longer than {@value #MAX_FRAME} bytes) is dropped and
 * counted as tx_malformed_frames.
 *
 * <p>A {@link FrameInterceptor} (the metadata service) may claim transmitted frames before the
 * backend sees them, outside the tx limiter as in Firecracker, and its frames reach the guest
 * before the backend's; a timer wakes the receive path for its retransmissions.
 *
 * <p>The event loop calls {@link #onBackendReadable()} when the backend has frames. The device
 * reads until the backend would block, or until the guest has no room or the rx limiter says no (it
 * then waits for the guest's next rx notification or the limiter), so register the backend
 * edge-triggered.
 */
public final class VirtioNet extends VirtioDevice implements Persistent<NetState> {
  public static final int RX_QUEUE = 0;
  public static final int TX_QUEUE = 1;

  /** {@code sizeof(struct virtio_net_hdr_v1)}: the vnet header size to give the TAP. */
  public static final int VNET_HDR_LEN = 12;

  /** The largest frame with its header (a 64 KiB GSO frame), as Firecracker's buffers. */
  public static final int MAX_FRAME = 65562;

  static final long F_CSUM = VirtioFeatures.bit(0);
  static final long F_GUEST_CSUM = VirtioFeatures.bit(1);
  static final long F_MTU = VirtioFeatures.bit(3);
  static final long F_MAC = VirtioFeatures.bit(5);
  static final long F_GUEST_TSO4 = VirtioFeatures.bit(7);
  static final long F_GUEST_TSO6 = VirtioFeatures.bit(8);
  static final long F_GUEST_UFO = VirtioFeatures.bit(10);
  static final long F_HOST_TSO4 = VirtioFeatures.bit(11);
  static final long F_HOST_TSO6 = VirtioFeatures.bit(12);
  static final long F_HOST_UFO = VirtioFeatures.bit(14);
  static final long F_MRG_RXBUF = VirtioFeatures.bit(15);
  private static final short STATUS_LINK_UP = 1;

  private static final String[] COUNTERS = {
    "cfg_fails",
    "mac_address_updates",
    "no_rx_avail_buffer",
    "no_tx_avail_buffer",
    "rx_queue_event_count",
    "rx_event_rate_limiter_count",
    "rx_rate_limiter_throttled",
    "rx_tap_event_count",
    "rx_bytes_count",
    "rx_packets_count",
    "rx_fails",
    "rx_count",
    "tap_read_fails",
    "tap_write_fails",
    "tx_bytes_count",
    "tx_malformed_frames",
    "tx_fails",
    "tx_count",
    "tx_packets_count",
    "tx_queue_event_count",
    "tx_rate_limiter_event_count",
    "tx_rate_limiter_throttled"
  };

  private final NetConfig config;
  private final NetBackend backend;
  private final FrameInterceptor interceptor;
  private final Timers timers;
  private final RateLimiter rxLimiter;
  private final RateLimiter txLimiter;
  private final Receiver receiver;
  private final ByteBuffer txFrame = ByteBuffer.allocateDirect(MAX_FRAME);
  private final ByteBuffer txHeaders = ByteBuffer.allocate(INTERCEPT_PEEK);
  private final byte[] mac;
  private long interceptorWakeup = Long.MAX_VALUE;
  private boolean intercepted;

  /** Enough of a frame to tell an ARP or IPv4 destination: vnet, Ethernet and ARP headers. */
  private static final int INTERCEPT_PEEK = VNET_HDR_LEN + 14 + 28;

  /** VIRTIO_NET_HDR_F_NEEDS_CSUM: the guest left the transport checksum to the device. */
  private static final int NEEDS_CSUM = 1;

  public VirtioNet(NetConfig config, NetBackend backend, Timers timers, Counters counters) {
    this(config, backend, null, timers, counters);
  }

  /** A device whose frames {@code interceptor} (or null for none) may claim and answer. */
  public VirtioNet(
      NetConfig config,
      NetBackend backend,
      FrameInterceptor interceptor,
      Timers timers,
      Counters counters) {
    super(DeviceType.NET, 2, features(config), counters, "event_fails", COUNTERS);
    this.config = config;
    this.backend = Objects.requireNonNull(backend, "backend");
    this.interceptor = interceptor;
    this.timers = timers;
    this.rxLimiter =
        new RateLimiter(
            config.rxRateLimiter(),
            timers,
            resumeAfterThrottle("rx_event_rate_limiter_count", this::processRx));
    this.txLimiter =
        new RateLimiter(
            config.txRateLimiter(),
            timers,
            resumeAfterThrottle("tx_rate_limiter_event_count", this::processTx));
    this.receiver = new Receiver(backend, interceptor, rxLimiter, counters);
    this.mac = config.guestMac() == null ? new byte[6] : config.guestMac().octets();
  }

  private static long features(NetConfig config) {
    long features =
        F_CSUM
            | F_GUEST_CSUM
            | F_GUEST_TSO4
            | F_GUEST_TSO6
            | F_GUEST_UFO
            | F_HOST_TSO4
            | F_HOST_TSO6
            | F_HOST_UFO
            | F_MRG_RXBUF
            | VirtioFeatures.VERSION_1
            | VirtioFeatures.RING_EVENT_IDX;
    if (config.guestMac() != null) {
      features |= F_MAC;
    }
    if (config.mtu() != 0) {
      features |= F_MTU;
    }
    return features;
  }

  public NetConfig config() {
    return config;
  }

  /** The backend has frames to read (called by the event loop). */
  public void onBackendReadable() {
    runGuarded(
        () -> {
          counters().increment("rx_tap_event_count");
          processRx();
        });
  }

  /** PATCH rx_rate_limiter / tx_rate_limiter. */
  public void updateRateLimiters(RateLimiterUpdate rx, RateLimiterUpdate tx) {
    locked(
        () -> {
          rxLimiter.update(rx);
          txLimiter.update(tx);
        });
  }

  public RateLimiterConfig rxRateLimiter() {
    return withLock(rxLimiter::config);
  }

  public RateLimiterConfig txRateLimiter() {
    return withLock(txLimiter::config);
  }

  @Override
  public NetState save() {
    return withLock(
        () ->
            new NetState(new Blob(mac), rxLimiter.save(), txLimiter.save(), receiver.heldHeads()));
  }

  /** Restores the limiters and MAC; the transport's restore, which comes first, activated it. */
  @Override
  public void restore(NetState state) {
    locked(
        () -> {
          System.arraycopy(state.mac().bytes(), 0, mac, 0, mac.length);
          rxLimiter.restore(state.rxRateLimiter());
          txLimiter.restore(state.txRateLimiter());
          if (isActive()) {
            receiver.hold(queue(RX_QUEUE), state.heldRxHeads());
          }
        });
  }

  @Override
  protected byte[] configSpace() {
    // struct virtio_net_config: mac, status, max_virtqueue_pairs, mtu.
    return ByteBuffer.allocate(12)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(mac)
        .putShort(STATUS_LINK_UP)
        .putShort((short) 1)
        .putShort((short) config.mtu())
        .array();
  }

  @Override
  protected boolean writeConfig(int offset, byte[] data) {
    // Only the MAC is writable, as in Firecracker (drivers without VIRTIO_NET_F_MAC set it).
    if (offset + data.length > mac.length) {
      return false;
    }
    System.arraycopy(data, 0, mac, offset, data.length);
    counters().increment("mac_address_updates");
    return true;
  }

  @Override
  protected void onActivate() {
    try {
      backend.setOffload(tunOffloads(ackedFeatures()));
    } catch (IOException e) {
      throw new UncheckedIOException("setting the backend's offloads", e);
    }
  }

  /** The TUN_F_* flags for what the guest accepts in the frames it receives. */
  static int tunOffloads(long acked) {
    // Linux refuses segmentation offloads without checksum offload, and so does virtio.
    if ((acked & F_GUEST_CSUM) == 0) {
      return 0;
    }
    int flags = NetBackend.TUN_F_CSUM;
    flags |= (acked & F_GUEST_TSO4) != 0 ? NetBackend.TUN_F_TSO4 : 0;
    flags |= (acked & F_GUEST_TSO6) != 0 ? NetBackend.TUN_F_TSO6 : 0;
    flags |= (acked & F_GUEST_UFO) != 0 ? NetBackend.TUN_F_UFO : 0;
    return flags;
  }

  @Override
  protected void onReset() {
    receiver.reset();
  }

  @Override
  protected void onQueueNotify(int index) {
    if (index == RX_QUEUE) {
      counters().increment("rx_queue_event_count");
      processRx();
    } else {
      counters().increment("tx_queue_event_count");
      if (!txLimiter.isBlocked()) {
        processTx();
      }
    }
  }

  private void processRx() {
    VirtQueue queue = queue(RX_QUEUE);
    receiver.run(memory(), queue, acked(F_MRG_RXBUF));
    signalUsed(queue);
    wakeForInterceptor();
  }

  private void processTx() {
    intercepted = false;
    if (!drain(queue(TX_QUEUE), this::transmit)) {
      counters().increment("no_tx_avail_buffer");
    }
    if (intercepted) {
      processRx(); // the interceptor may have answered
    }
  }

  /**
   * Arms a timer for the interceptor's next deadline, if it lies ahead: one due now is either
   * delivered already or waits for guest buffers, whose notification resumes the receive path.
   */
  private void wakeForInterceptor() {
    if (interceptor == null) {
      return;
    }
    long deadline = interceptor.nextDeadline();
    long now = System.nanoTime();
    if (deadline == Long.MAX_VALUE || deadline <= now || deadline >= interceptorWakeup) {
      return;
    }
    interceptorWakeup = deadline;
    timers.schedule(
        Duration.ofNanos(deadline - now),
        () ->
            runGuarded(
                () -> {
                  interceptorWakeup = Long.MAX_VALUE;
                  processRx();
                }));
  }

  /** Hands the chain to the interceptor if its frame is one it claims; true if it took it. */
  private boolean intercept(DescriptorChain chain) {
    if (interceptor == null) {
      return false;
    }
    txHeaders.clear();
    GuestBuffers.gather(memory(), chain.descriptors(), txHeaders);
    txHeaders.flip();
    if (txHeaders.limit() < VNET_HDR_LEN
        || !interceptor.claims(txHeaders.slice(VNET_HDR_LEN, txHeaders.limit() - VNET_HDR_LEN))) {
      return false;
    }
    txFrame.clear();
    GuestBuffers.gather(memory(), chain.descriptors(), txFrame);
    txFrame.flip();
    boolean partial = (txFrame.get(0) & NEEDS_CSUM) != 0;
    interceptor.accept(txFrame.slice(VNET_HDR_LEN, txFrame.limit() - VNET_HDR_LEN), partial);
    intercepted = true;
    return true;
  }

  /** Sends (or drops) the next tx chain; false if the limiter refused it and it must wait. */
  private boolean transmit(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    if (!(entry instanceof DescriptorChain frame) || !isFrame(frame)) {
      counters().increment("tx_malformed_frames");
      queue.addUsed(entry.head(), 0);
      return true;
    }
    if (intercept(frame)) {
      queue.addUsed(frame.head(), 0);
      return true;
    }
    long length = frame.totalLength();
    if (!txLimiter.consumeOperation(length)) {
      queue.undoPop();
      counters().increment("tx_rate_limiter_throttled");
      return false;
    }
    txFrame.clear();
    GuestBuffers.gather(memory(), frame.descriptors(), txFrame);
    txFrame.flip();
    send(length);
    queue.addUsed(frame.head(), 0);
    return true;
  }

  private static boolean isFrame(DescriptorChain chain) {
    long length = chain.totalLength();
    return chain.allReadable() && length >= VNET_HDR_LEN && length <= MAX_FRAME;
  }

  private void send(long length) {
    int sent;
    try {
      sent = backend.write(txFrame);
    } catch (IOException e) {
      sent = NetBackend.WOULD_BLOCK;
    }
    // Like a NIC whose host side is full or gone, the frame is dropped, not retried.
    if (sent == NetBackend.WOULD_BLOCK) {
      counters().increment("tap_write_fails");
      counters().increment("tx_fails");
      return;
    }
    counters().increment("tx_count");
    counters().increment("tx_packets_count");
    counters().add("tx_bytes_count", length);
  }
}
