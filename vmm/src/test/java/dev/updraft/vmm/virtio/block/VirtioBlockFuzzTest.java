package dev.updraft.vmm.virtio.block;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.ratelimit.FakeTimers;
import dev.updraft.vmm.ratelimit.RateLimiterConfig;
import dev.updraft.vmm.virtio.MmioDriver;
import dev.updraft.vmm.virtio.MockVirtQueue;
import dev.updraft.vmm.virtio.MockVirtQueue.Buffer;
import dev.updraft.vmm.virtio.VirtioFeatures;
import dev.updraft.vmm.virtio.VirtioMmioTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A hostile guest driver against virtio-blk over fake guest memory (two regions with a hole, as
 * around the MMIO gap): requests with arbitrary headers, sectors and buffer layouts, and raw
 * descriptors (any address, length, flags and next index) published as chains. The device must
 * handle or refuse every one without throwing, return only heads it was given, and never grow the
 * disk file.
 *
 * <p>Input: ops of [kind, ...]; kind % 3 = 0 a request [type:4 sector:8 dataLength:2 flags:1], 1 a
 * raw descriptor [index:1 address:8 length:4 flags:2 next:2], 2 a publish [head:1].
 */
class VirtioBlockFuzzTest {
  private static final int QUEUE_SIZE = 16;
  private static final int SECTORS = 16;
  private static Path dir;
  private static Path disk;

  @BeforeAll
  static void aDisk() throws Exception {
    dir = Files.createTempDirectory("block-fuzz");
    disk = Files.write(dir.resolve("disk.img"), new byte[SECTORS * 512]);
  }

  @AfterAll
  static void close() throws Exception {
    Files.deleteIfExists(disk);
    Files.deleteIfExists(dir);
  }

  @FuzzTest(maxDuration = "5s")
  void requests(byte[] data) throws Exception {
    HeapGuestMemory memory =
        new HeapGuestMemory(
            List.of(new MemoryRegion(0, 0x10_0000), new MemoryRegion(0x20_0000, 0x1000)));
    MockVirtQueue queue = new MockVirtQueue(memory, 0x1000, QUEUE_SIZE, 0x10000, 0x70000);
    VirtioBlock block =
        new VirtioBlock(
            new BlockConfig("rootfs", disk, false, CacheType.UNSAFE, RateLimiterConfig.UNLIMITED),
            new FakeTimers(),
            new Counters("block_rootfs"));
    try {
      MmioDriver driver = new MmioDriver(new VirtioMmioTransport(block, memory, () -> {}));
      driver.initialize(VirtioFeatures.VERSION_1 | VirtioFeatures.RING_EVENT_IDX, queue);
      ByteBuffer input = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      int published = 0;
      while (input.hasRemaining() && published < 32) {
        int kind = Byte.toUnsignedInt(input.get()) % 3;
        if (kind == 0 && input.remaining() >= 15) {
          request(queue, input);
          published++;
        } else if (kind == 1 && input.remaining() >= 17) {
          queue.writeDescriptor(
              Byte.toUnsignedInt(input.get()) % QUEUE_SIZE,
              input.getLong(),
              Integer.toUnsignedLong(input.getInt()),
              Short.toUnsignedInt(input.getShort()),
              Short.toUnsignedInt(input.getShort()));
          continue;
        } else if (kind == 2 && input.remaining() >= 1) {
          queue.publish(Byte.toUnsignedInt(input.get()) % QUEUE_SIZE);
          published++;
        } else {
          break;
        }
        driver.notifyQueue(0);
      }
      assertThat(queue.usedIdx()).isLessThanOrEqualTo(published);
      for (int i = 0; i < queue.usedIdx(); i++) {
        assertThat(queue.used(i).id()).isBetween(0, QUEUE_SIZE - 1);
      }
      assertThat(Files.size(disk)).isEqualTo(SECTORS * 512L);
    } finally {
      block.close();
    }
  }

  /** A chain of header, data and status, where the flags may drop or misplace parts. */
  private static void request(MockVirtQueue queue, ByteBuffer input) {
    ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(input.getInt()).putInt(0).putLong(input.getLong());
    int length = Short.toUnsignedInt(input.getShort()) % 2048;
    int flags = Byte.toUnsignedInt(input.get());
    Buffer head =
        (flags & 1) != 0
            ? queue.writable(16)
            : queue.readable((flags & 2) != 0 ? new byte[flags % 16] : header.array());
    Buffer body = (flags & 4) != 0 ? queue.readable(new byte[length]) : queue.writable(length);
    Buffer status = (flags & 8) != 0 ? queue.readable(new byte[1]) : queue.writable(1);
    if ((flags & 16) != 0) {
      queue.add(head, status);
    } else if ((flags & 32) != 0) {
      queue.add(head);
    } else {
      queue.add(head, body, status);
    }
  }
}
