package dev.updraft.vmm.virtio.vsock;

import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.virtio.BadChain;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.DeviceType;
import dev.updraft.vmm.virtio.GuestBuffers;
import dev.updraft.vmm.virtio.QueueEntry;
import dev.updraft.vmm.virtio.VirtQueue;
import dev.updraft.vmm.virtio.VirtioDevice;
import dev.updraft.vmm.virtio.VirtioFeatures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * virtio-vsock (device id 19) as Firecracker has it: an rx, a tx and an event queue of 256, the
 * guest's context id in the configuration space (read-only), and a {@link VsockMuxer} that carries
 * the guest's streams to host Unix sockets through a {@link VsockHost}.
 *
 * <p>The guest's packets are all consumed as they come (the muxer buffers within the credit it
 * gave); packets for the guest wait in the muxer until the guest offers rx buffers. After a
 * transport reset (the VIRTIO_VSOCK_EVENT_TRANSPORT_RESET event, sent when the device's state is
 * restored elsewhere) nothing goes to the guest until it has taken the event, which it acknowledges
 * by notifying the event queue.
 *
 * <p>The device's whole state is here: the guest's context id, whether a transport reset waits for
 * its acknowledgement ({@link VsockState}), and the muxer's connections, which a snapshot never
 * keeps.
 */
public final class VirtioVsock extends VirtioDevice {
  public static final int RX_QUEUE = 0;
  public static final int TX_QUEUE = 1;
  public static final int EVENT_QUEUE = 2;

  /** {@code VIRTIO_VSOCK_EVENT_TRANSPORT_RESET}. */
  static final int EVENT_TRANSPORT_RESET = 0;

  private static final String[] COUNTERS = {
    "cfg_fails",
    "rx_queue_event_fails",
    "tx_queue_event_fails",
    "ev_queue_event_fails",
    "muxer_event_fails",
    "conn_event_fails",
    "rx_queue_event_count",
    "tx_queue_event_count",
    "rx_bytes_count",
    "tx_bytes_count",
    "rx_packets_count",
    "tx_packets_count",
    "conns_added",
    "conns_killed",
    "conns_removed",
    "killq_resync",
    "tx_flush_fails",
    "tx_write_fails",
    "rx_read_fails"
  };

  private final long guestCid;
  private final VsockMuxer muxer;
  private final ByteBuffer rxPacket =
      ByteBuffer.allocateDirect(VsockHeader.SIZE + TxPacket.MAX_DATA);
  private final ByteBuffer txData = ByteBuffer.allocateDirect(TxPacket.MAX_DATA);
  private boolean pendingEventAck;

  /**
   * @param guestCid the guest's context id, at least 3
   * @param host where host connections come from and guest connections go
   * @param counters the {@code vsock} metrics group
   */
  public VirtioVsock(long guestCid, VsockHost host, Counters counters) {
    super(
        DeviceType.VSOCK,
        3,
        VirtioFeatures.VERSION_1 | VirtioFeatures.RING_EVENT_IDX,
        counters,
        "muxer_event_fails",
        COUNTERS);
    if (guestCid < 3 || guestCid > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("guest_cid: " + guestCid + " (expected: 3 to 4294967295)");
    }
    this.guestCid = guestCid;
    this.muxer = new VsockMuxer(guestCid, host, counters, hostEvent());
  }

  public long guestCid() {
    return guestCid;
  }

  /**
   * Ends every connection and tells the guest with the transport-reset event (what a restored
   * snapshot needs: the host sockets of the old connections are gone). Host processes keep
   * connecting to {@code uds_path}. Takes the device lock; call on the event loop.
   */
  public void transportReset() {
    locked(
        () -> {
          muxer.dropConnections();
          if (isActive()) {
            sendResetEvent();
          }
        });
  }

  /** The device's state for a snapshot (its queues are the transport's). */
  public VsockState save() {
    return withLock(() -> new VsockState(pendingEventAck));
  }

  /**
   * Puts a device made from the same configuration, its transport already restored (which activated
   * it again), where the saved one was. The restored VM then calls {@link #transportReset()}.
   */
  public void restore(VsockState state) {
    locked(() -> pendingEventAck = state.pendingEventAck());
  }

  /** Whether a transport-reset event is waiting for the guest's acknowledgement. */
  public boolean pendingEventAck() {
    return withLock(() -> pendingEventAck);
  }

  /** Live connections, for metrics and tests. */
  public int connectionCount() {
    return withLock(muxer::connectionCount);
  }

  @Override
  protected byte[] configSpace() {
    // struct virtio_vsock_config: le64 guest_cid.
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(guestCid).array();
  }

  @Override
  protected void onActivate() {
    pendingEventAck = false;
    muxer.activate();
  }

  @Override
  protected void onReset() {
    pendingEventAck = false;
    muxer.reset();
  }

  @Override
  protected void onQueueNotify(int index) {
    switch (index) {
      case RX_QUEUE -> {
        counters().increment("rx_queue_event_count");
        processRx();
      }
      case TX_QUEUE -> {
        counters().increment("tx_queue_event_count");
        processTx();
        processRx();
      }
      case EVENT_QUEUE -> {
        // The guest took the transport-reset event (the only event this device sends).
        pendingEventAck = false;
        processRx();
      }
      default -> counters().increment("muxer_event_fails");
    }
  }

  /**
   * Host events run guarded, then move whatever they made due to the guest. A device that is not
   * running (reset, or stopped by a broken ring) drops its connections and stops listening instead:
   * level-triggered events that nobody takes would spin the event loop.
   */
  private Consumer<Runnable> hostEvent() {
    return event ->
        locked(
            () -> {
              if (!isActive()) {
                muxer.reset();
                return;
              }
              runGuarded(
                  () -> {
                    event.run();
                    processRx();
                  });
            });
  }

  private void processTx() {
    drain(queue(TX_QUEUE), this::transmit);
  }

  private boolean transmit(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    if (entry instanceof BadChain) {
      counters().increment("tx_queue_event_fails");
    } else if (entry instanceof DescriptorChain chain) {
      switch (TxPacket.parse(memory(), chain)) {
        case TxPacket.Malformed m -> counters().increment("tx_queue_event_fails");
        case TxPacket.Valid packet -> {
          txData.clear();
          packet.readData(memory(), txData);
          muxer.send(packet.header(), txData.flip());
        }
      }
    }
    queue.addUsed(entry.head(), 0);
    return true;
  }

  private void processRx() {
    if (pendingEventAck) {
      return;
    }
    VirtQueue queue = queue(RX_QUEUE);
    while (muxer.hasPendingRx()) {
      if (!queue.hasAvailable()) {
        // Ask for a notification when buffers come; a buffer that came meanwhile is used now.
        if (queue.enableNotification()) {
          break;
        }
        continue;
      }
      QueueEntry entry = queue.pop();
      if (!(entry instanceof DescriptorChain chain)
          || !chain.allWritable()
          || chain.totalLength() < VsockHeader.SIZE) {
        counters().increment("rx_queue_event_fails");
        queue.addUsed(entry.head(), 0);
        continue;
      }
      int room = (int) Math.min(chain.totalLength() - VsockHeader.SIZE, TxPacket.MAX_DATA);
      rxPacket.clear().position(VsockHeader.SIZE).limit(VsockHeader.SIZE + room);
      VsockHeader packet = muxer.recv(rxPacket);
      if (packet == null) {
        queue.undoPop();
        break;
      }
      rxPacket.clear();
      packet.write(rxPacket);
      rxPacket.limit(VsockHeader.SIZE + packet.len()).position(0);
      queue.addUsed(chain.head(), GuestBuffers.scatter(memory(), chain.descriptors(), rxPacket));
    }
    signalUsed(queue);
  }

  private void sendResetEvent() {
    VirtQueue events = queue(EVENT_QUEUE);
    if (!events.hasAvailable()) {
      counters().increment("ev_queue_event_fails");
      return;
    }
    QueueEntry entry = events.pop();
    int written = 0;
    if (entry instanceof DescriptorChain chain && chain.allWritable()) {
      ByteBuffer event =
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, EVENT_TRANSPORT_RESET);
      written = GuestBuffers.scatter(memory(), chain.descriptors(), event);
    } else {
      counters().increment("ev_queue_event_fails");
    }
    events.addUsed(entry.head(), written);
    // The driver refills the event buffer it took; hear about it under EVENT_IDX too.
    events.enableNotification();
    pendingEventAck = written == 4;
    signalUsed(events);
  }
}
