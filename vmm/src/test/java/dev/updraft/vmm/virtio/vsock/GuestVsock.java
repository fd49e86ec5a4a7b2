package dev.updraft.vmm.virtio.vsock;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The guest's vsock driver for tests: sends packets, offers rx buffers, reads what came back. */
final class GuestVsock {
  static final long CID = 3;
  static final long FEATURES = VirtioFeatures.VERSION_1 | VirtioFeatures.RING_EVENT_IDX;

  /** A packet the guest received. */
  record Packet(VsockHeader header, byte[] data) {
    VsockOp op() {
      return header.operation().orElseThrow();
    }

    String text() {
      return new String(data, StandardCharsets.US_ASCII);
    }
  }

  final HeapGuestMemory memory = HeapGuestMemory.ofSize(32 << 20);
  final MockVirtQueue rx = new MockVirtQueue(memory, 0x1000, 256, 0x40_0000, 0x80_0000);
  final MockVirtQueue tx = new MockVirtQueue(memory, 0x6000, 256, 0xC0_0000, 0x80_0000);
  final MockVirtQueue ev = new MockVirtQueue(memory, 0xB000, 16, 0x140_0000, 0x1_0000);
  final Counters counters = new Counters("vsock");
  final FakeVsockHost host = new FakeVsockHost();
  final AtomicInteger interrupts = new AtomicInteger();
  final VirtioVsock device = new VirtioVsock(CID, host, counters);
  final MmioDriver driver =
      new MmioDriver(new VirtioMmioTransport(device, memory, interrupts::incrementAndGet));
  private final List<MockVirtQueue.Buffer> offered = new ArrayList<>();
  private int rxSeen;
  private int evSeen;
  // What the guest has consumed of each connection's data, for its credit fields.
  private int fwdCnt;

  GuestVsock start() {
    driver.initialize(FEATURES, rx, tx, ev);
    host.pump();
    return this;
  }

  long counter(String name) {
    return counters.snapshot().get(name);
  }

  /** Offers {@code count} rx buffers of {@code size} bytes each (header included). */
  GuestVsock offer(int count, int size) {
    for (int i = 0; i < count; i++) {
      MockVirtQueue.Buffer buffer = rx.writable(size);
      offered.add(buffer);
      rx.add(buffer);
    }
    driver.notifyQueue(VirtioVsock.RX_QUEUE);
    return this;
  }

  /** Offers an event buffer of {@code size} bytes. */
  MockVirtQueue.Buffer offerEvent(int size) {
    MockVirtQueue.Buffer buffer = ev.writable(size);
    ev.add(buffer);
    return buffer;
  }

  /** The guest notifies the event queue (acknowledging a transport reset). */
  void ackEvents() {
    driver.notifyQueue(VirtioVsock.EVENT_QUEUE);
  }

  int eventsUsed() {
    return ev.usedIdx() - evSeen;
  }

  MockVirtQueue.Used nextEvent() {
    return ev.used(evSeen++);
  }

  /** Sends a packet from guest port {@code srcPort} to host port {@code dstPort}. */
  void send(VsockOp op, int srcPort, int dstPort, byte[] data) {
    send(header(op, srcPort, dstPort, data.length, 0, TxBuffer.SIZE), data);
  }

  void send(VsockOp op, int srcPort, int dstPort) {
    send(op, srcPort, dstPort, new byte[0]);
  }

  VsockHeader header(VsockOp op, int srcPort, int dstPort, int len, int flags, int bufAlloc) {
    return new VsockHeader(
        CID,
        VsockHeader.HOST_CID,
        srcPort,
        dstPort,
        len,
        VsockHeader.TYPE_STREAM,
        op.code(),
        flags,
        bufAlloc,
        fwdCnt);
  }

  void send(VsockHeader header, byte[] data) {
    ByteBuffer packet = ByteBuffer.allocate(VsockHeader.SIZE + data.length);
    header.write(packet);
    packet.put(data);
    tx.add(tx.readable(packet.array()));
    driver.notifyQueue(VirtioVsock.TX_QUEUE);
    host.pump();
  }

  /** Marks {@code n} more received data bytes as consumed (they go out as fwd_cnt). */
  void consumed(int n) {
    fwdCnt += n;
  }

  /** Every packet received since the last call, in order. */
  List<Packet> received() {
    host.pump();
    List<Packet> packets = new ArrayList<>();
    while (rxSeen < rx.usedIdx()) {
      MockVirtQueue.Used used = rx.used(rxSeen++);
      long address = bufferAddress(used.id());
      MockVirtQueue.Buffer buffer =
          offered.stream().filter(b -> b.address() == address).findFirst().orElseThrow();
      byte[] bytes = Arrays.copyOf(rx.bytes(buffer), (int) used.length());
      if (bytes.length < VsockHeader.SIZE) {
        packets.add(new Packet(null, bytes));
        continue;
      }
      VsockHeader header = VsockHeader.read(ByteBuffer.wrap(bytes));
      packets.add(new Packet(header, Arrays.copyOfRange(bytes, VsockHeader.SIZE, bytes.length)));
    }
    return packets;
  }

  private long bufferAddress(int descriptor) {
    return memory.readLong(rx.layout().descTable() + 16L * descriptor);
  }
}
