package dev.updraft.vmm.virtio.vsock;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.virtio.DeviceStatus;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Arbitrary bytes as the guest's transmit chains, through the device and its muxer: each chain is
 * parsed or refused, every one goes back to the guest, nothing throws, the device never needs a
 * reset, and what it sends the guest are whole headers. Input: chunks of [flags, length, bytes];
 * flags may fix the header's length, destination CID and type so that the state machine, not only
 * the parser, sees the packet, and may split the chain in two descriptors.
 */
class VsockPacketFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void packets(byte[] data) {
    HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);
    MockVirtQueue rx = new MockVirtQueue(memory, 0x1000, 16, 0x1_0000, 0x4_0000);
    MockVirtQueue tx = new MockVirtQueue(memory, 0x3000, 16, 0x5_0000, 0x8_0000);
    MockVirtQueue ev = new MockVirtQueue(memory, 0x5000, 4, 0xD_0000, 0x1000);
    FakeVsockHost host = new FakeVsockHost();
    host.listenOn(52);
    VirtioVsock device = new VirtioVsock(3, host, new Counters("vsock"));
    MmioDriver driver = new MmioDriver(new VirtioMmioTransport(device, memory, () -> {}));
    driver.initialize(GuestVsock.FEATURES, rx, tx, ev);
    for (int i = 0; i < 8; i++) {
      rx.add(rx.writable(VsockHeader.SIZE + 256));
    }
    driver.notifyQueue(VirtioVsock.RX_QUEUE);
    ByteBuffer input = ByteBuffer.wrap(data);
    int chains = 0;
    while (input.remaining() >= 2 && chains < 12) {
      int flags = input.get() & 0xFF;
      int length = Math.min(input.get() & 0xFF, input.remaining());
      byte[] packet = new byte[Math.max(length, (flags & 1) != 0 ? VsockHeader.SIZE : 0)];
      input.get(packet, 0, length);
      if ((flags & 1) != 0) {
        ByteBuffer header = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(8, VsockHeader.HOST_CID).putShort(28, (short) VsockHeader.TYPE_STREAM);
        header.putInt(24, packet.length - VsockHeader.SIZE);
        header.putShort(30, (short) (1 + (flags >>> 4) % 7));
        header.putInt(20, (flags & 2) != 0 ? 52 : header.getInt(20));
      }
      int cut = packet.length == 0 ? 0 : (flags >>> 2) % packet.length;
      if ((flags & 8) != 0 && cut > 0) {
        tx.add(
            tx.readable(Arrays.copyOfRange(packet, 0, cut)),
            tx.readable(Arrays.copyOfRange(packet, cut, packet.length)));
      } else {
        tx.add(tx.readable(packet));
      }
      chains++;
      driver.notifyQueue(VirtioVsock.TX_QUEUE);
      host.pump();
      for (FakeStream stream : host.connectionsTo(52)) {
        stream.send(new byte[] {1, 2, 3});
      }
      host.pump();
    }
    assertThat(tx.usedIdx()).as("every chain returned").isEqualTo(chains);
    assertThat(driver.status() & DeviceStatus.DEVICE_NEEDS_RESET).isZero();
    for (int i = 0; i < rx.usedIdx(); i++) {
      assertThat(rx.used(i).length()).isGreaterThanOrEqualTo(VsockHeader.SIZE);
    }
  }
}
