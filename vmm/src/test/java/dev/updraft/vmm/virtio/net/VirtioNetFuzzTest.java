package dev.updraft.vmm.virtio.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A hostile guest driver against virtio-net over fake guest memory (two regions with a hole, as
 * around the MMIO gap), and a backend delivering frames of any size: transmit chains of any layout
 * (device-writable parts, short headers, oversized frames), receive buffers of any layout, and raw
 * descriptors (any address, length, flags and next index) published on either queue, with or
 * without mergeable receive buffers. The device must handle or drop every one without throwing,
 * return only heads it was given, and hand the backend only frames within virtio-net's bounds.
 *
 * <p>Input: the first byte picks the features, then ops of [kind, ...]; kind % 5 = 0 a transmit
 * chain [parts:1 length:2 flags:1], 1 a receive chain [parts:1 length:2 flags:1], 2 a raw
 * descriptor [queue:1 index:1 address:8 length:4 flags:2 next:2], 3 a publish [queue:1 head:1], 4 a
 * frame from the backend [length:2].
 */
class VirtioNetFuzzTest {
  private static final int QUEUE_SIZE = 16;
  private static final MacAddress MAC = MacAddress.parse("06:00:ac:10:00:02");

  @FuzzTest(maxDuration = "5s")
  void frames(byte[] data) {
    if (data.length == 0) {
      return;
    }
    HeapGuestMemory memory =
        new HeapGuestMemory(
            List.of(new MemoryRegion(0, 0x10_0000), new MemoryRegion(0x20_0000, 0x4_0000)));
    MockVirtQueue rx = new MockVirtQueue(memory, 0x1000, QUEUE_SIZE, 0x1_0000, 0x7_0000);
    MockVirtQueue tx = new MockVirtQueue(memory, 0x3000, QUEUE_SIZE, 0x8_0000, 0x7_0000);
    FakeNetBackend backend = new FakeNetBackend();
    VirtioNet net =
        new VirtioNet(
            new NetConfig(
                "eth0", MAC, 1500, RateLimiterConfig.UNLIMITED, RateLimiterConfig.UNLIMITED),
            backend,
            new FakeTimers(),
            new Counters("net_eth0"));
    MmioDriver driver = new MmioDriver(new VirtioMmioTransport(net, memory, () -> {}));
    ByteBuffer input = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    long features = VirtioFeatures.VERSION_1;
    int choice = Byte.toUnsignedInt(input.get());
    features |= (choice & 1) != 0 ? VirtioFeatures.RING_EVENT_IDX : 0;
    features |= (choice & 2) != 0 ? VirtioNet.F_MRG_RXBUF : 0;
    features |= (choice & 4) != 0 ? VirtioNet.F_GUEST_CSUM | VirtioNet.F_CSUM : 0;
    driver.initialize(features, rx, tx);
    int[] published = new int[2];
    // Each queue's data space (0x7_0000 bytes) is not reused: stop before it runs out.
    int[] spent = new int[2];
    int ops = 0;
    while (input.hasRemaining() && ops++ < 48) {
      int kind = Byte.toUnsignedInt(input.get()) % 5;
      if (kind <= 1 && input.remaining() >= 4) {
        int q = kind == 0 ? VirtioNet.TX_QUEUE : VirtioNet.RX_QUEUE;
        spent[q] += 0x9000 + 64;
        if (spent[q] > 0x7_0000) {
          break;
        }
        chain(kind == 0 ? tx : rx, kind == 0, input);
        published[q]++;
        driver.notifyQueue(q);
      } else if (kind == 2 && input.remaining() >= 18) {
        int q = Byte.toUnsignedInt(input.get()) % 2;
        (q == VirtioNet.RX_QUEUE ? rx : tx)
            .writeDescriptor(
                Byte.toUnsignedInt(input.get()) % QUEUE_SIZE,
                input.getLong(),
                Integer.toUnsignedLong(input.getInt()),
                Short.toUnsignedInt(input.getShort()),
                Short.toUnsignedInt(input.getShort()));
      } else if (kind == 3 && input.remaining() >= 2) {
        int q = Byte.toUnsignedInt(input.get()) % 2;
        (q == VirtioNet.RX_QUEUE ? rx : tx).publish(Byte.toUnsignedInt(input.get()) % QUEUE_SIZE);
        published[q]++;
        driver.notifyQueue(q);
      } else if (kind == 4 && input.remaining() >= 2) {
        int length = Short.toUnsignedInt(input.getShort()) * 2;
        byte[] frame = new byte[length];
        for (int i = 0; i < length; i++) {
          frame[i] = (byte) i;
        }
        backend.toGuest.add(frame);
        net.onBackendReadable();
      } else {
        break;
      }
    }
    checkUsed(rx, published[VirtioNet.RX_QUEUE]);
    checkUsed(tx, published[VirtioNet.TX_QUEUE]);
    for (byte[] frame : backend.fromGuest) {
      assertThat(frame.length).isBetween(VirtioNet.VNET_HDR_LEN, VirtioNet.MAX_FRAME);
    }
  }

  private static void checkUsed(MockVirtQueue queue, int published) {
    assertThat(queue.usedIdx()).isLessThanOrEqualTo(published);
    for (int i = 0; i < queue.usedIdx(); i++) {
      assertThat(queue.used(i).id()).isBetween(0, QUEUE_SIZE - 1);
    }
  }

  /**
   * A chain of up to four parts: readable for transmit and writable for receive unless a flag bit
   * turns a part around; the first part may be shorter than the vnet header.
   */
  private static void chain(MockVirtQueue queue, boolean transmit, ByteBuffer input) {
    int parts = 1 + Byte.toUnsignedInt(input.get()) % 4;
    int length = Short.toUnsignedInt(input.getShort()) % 0x9000;
    int flags = Byte.toUnsignedInt(input.get());
    MockVirtQueue.Buffer[] buffers = new MockVirtQueue.Buffer[parts];
    for (int i = 0; i < parts; i++) {
      int size = i == 0 && (flags & 0x10) != 0 ? flags % VirtioNet.VNET_HDR_LEN : length / parts;
      boolean turned = (flags & (1 << i)) != 0;
      buffers[i] = transmit != turned ? queue.readable(new byte[size]) : queue.writable(size);
    }
    queue.add(buffers);
  }
}
