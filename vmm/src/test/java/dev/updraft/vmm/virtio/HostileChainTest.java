package dev.updraft.vmm.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.memory.HeapGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a guest can break a chain or a ring, one test each, at the queue level. */
class HostileChainTest {
  private static final int SIZE = 16;
  // Two regions with a hole between them, as guest RAM around the MMIO gap.
  private final HeapGuestMemory memory =
      new HeapGuestMemory(
          List.of(new MemoryRegion(0, 0x10_0000), new MemoryRegion(0x20_0000, 0x1000)));
  private final MockVirtQueue driver = new MockVirtQueue(memory, 0x1000, SIZE, 0x10000, 0x8000);
  private final VirtQueue queue = new VirtQueue(memory, driver.layout(), true);

  private BadChain popBad() {
    assertThat(queue.hasAvailable()).isTrue();
    QueueEntry entry = queue.pop();
    assertThat(entry).isInstanceOf(BadChain.class);
    return (BadChain) entry;
  }

  @Test
  void aChainThatLoopsIsRejected() {
    driver.writeDescriptor(0, 0x10000, 8, MockVirtQueue.NEXT, 1);
    driver.writeDescriptor(1, 0x10010, 8, MockVirtQueue.NEXT, 0);
    driver.publish(0);
    assertThat(popBad().reason()).contains("a loop");
  }

  @Test
  void aDescriptorPointingAtItselfIsRejected() {
    driver.writeDescriptor(3, 0x10000, 8, MockVirtQueue.NEXT, 3);
    driver.publish(3);
    BadChain bad = popBad();
    assertThat(bad.head()).isEqualTo(3);
    assertThat(bad.reason()).contains("a loop");
  }

  @Test
  void aNextIndexOutsideTheTableIsRejected() {
    driver.writeDescriptor(0, 0x10000, 8, MockVirtQueue.NEXT, SIZE);
    driver.publish(0);
    assertThat(popBad().reason()).isEqualTo("descriptor 0: next 16 (expected: < 16)");
  }

  @Test
  void aBufferOutsideGuestMemoryIsRejected() {
    driver.writeDescriptor(0, 0x10_0000, 16, 0, 0); // in the hole
    driver.publish(0);
    assertThat(popBad().reason()).contains("expected: inside one guest memory region");
  }

  @Test
  void aBufferSpanningTheEndOfARegionIsRejected() {
    driver.writeDescriptor(0, 0x20_0F00, 0x200, MockVirtQueue.WRITE, 0);
    driver.publish(0);
    assertThat(popBad().reason()).contains("0x200f00 + 512 bytes");
  }

  @Test
  void anAddressPlusLengthThatOverflowsSixtyFourBitsIsRejected() {
    driver.writeDescriptor(0, 0xFFFF_FFFF_FFFF_FF00L, 0x200, MockVirtQueue.WRITE, 0);
    driver.publish(0);
    assertThat(popBad().reason()).contains("0xffffffffffffff00 + 512 bytes");
  }

  @Test
  void aFourGigabyteLengthIsRejected() {
    driver.writeDescriptor(0, 0x10000, 0xFFFF_FFFFL, MockVirtQueue.WRITE, 0);
    driver.publish(0);
    assertThat(popBad().reason()).contains("+ 4294967295 bytes");
  }

  @Test
  void aChainWhoseTotalLengthOverflowsThirtyTwoBitsIsRejected() {
    HeapGuestMemory big = HeapGuestMemory.ofSize(40 << 20);
    MockVirtQueue bigDriver = new MockVirtQueue(big, 0x1000, 256, 0x10000, 0x1000);
    VirtQueue bigQueue = new VirtQueue(big, bigDriver.layout(), false);
    // 256 descriptors of 16 MiB, all over the same memory: 4 GiB in all, one byte too many.
    for (int i = 0; i < 256; i++) {
      bigDriver.writeDescriptor(i, 0x100_0000, 16 << 20, i < 255 ? MockVirtQueue.NEXT : 0, i + 1);
    }
    bigDriver.publish(0);
    assertThat(bigQueue.hasAvailable()).isTrue();
    assertThat(((BadChain) bigQueue.pop()).reason())
        .isEqualTo("chain length: 4294967296 bytes (expected: < 2^32)");
  }

  @Test
  void anIndirectDescriptorIsRejectedBecauseItWasNotOffered() {
    driver.writeDescriptor(0, 0x10000, 16, MockVirtQueue.INDIRECT, 0);
    driver.publish(0);
    assertThat(popBad().reason()).contains("indirect");
  }

  @Test
  void anAvailIndexThatJumpsPastTheQueueSizeCorruptsTheQueue() {
    driver.setAvailIdx(SIZE + 1);
    assertThatThrownBy(queue::hasAvailable)
        .isInstanceOf(QueueCorruptedException.class)
        .hasMessageContaining(
            "17 entries ahead of the device (expected: at most the queue size 16)");
  }

  @Test
  void aHeadIndexOutsideTheTableCorruptsTheQueue() {
    driver.publish(SIZE + 5);
    assertThat(queue.hasAvailable()).isTrue();
    assertThatThrownBy(queue::pop)
        .isInstanceOf(QueueCorruptedException.class)
        .hasMessage("available ring entry 0: head 21 (expected: < 16)");
  }

  @Test
  void aGoodChainAfterABadOneIsStillServed() {
    driver.writeDescriptor(0, 0x10_0000, 16, 0, 0);
    driver.publish(0);
    MockVirtQueue.Buffer good = driver.writable(32);
    driver.writeDescriptor(1, good.address(), 32, MockVirtQueue.WRITE, 0);
    driver.publish(1);
    assertThat(popBad().head()).isZero();
    assertThat(queue.pop()).isInstanceOf(DescriptorChain.class);
  }
}
