package dev.updraft.vmm.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.vmm.memory.HeapGuestMemory;
import org.junit.jupiter.api.Test;

class VirtQueueTest {
  private final HeapGuestMemory memory = HeapGuestMemory.ofSize(1 << 20);
  private final MockVirtQueue driver = new MockVirtQueue(memory, 0x1000, 16, 0x10000, 0x80000);

  private VirtQueue queue(boolean eventIdx) {
    return new VirtQueue(memory, driver.layout(), eventIdx);
  }

  @Test
  void popsChainsInOrderAndReportsUsedBuffers() {
    VirtQueue queue = queue(false);
    assertThat(queue.hasAvailable()).isFalse();
    MockVirtQueue.Buffer out = driver.readable(new byte[] {1, 2, 3});
    MockVirtQueue.Buffer in = driver.writable(100);
    int head = driver.add(out, in);
    int second = driver.add(driver.readable(new byte[7]));

    assertThat(queue.hasAvailable()).isTrue();
    DescriptorChain chain = (DescriptorChain) queue.pop();
    assertThat(chain.head()).isEqualTo(head);
    assertThat(chain.descriptors())
        .containsExactly(
            new Descriptor(out.address(), 3, false), new Descriptor(in.address(), 100, true));
    assertThat(chain.totalLength()).isEqualTo(103);
    assertThat(chain.allReadable()).isFalse();
    assertThat(chain.allWritable()).isFalse();

    queue.addUsed(head, 42);
    assertThat(driver.usedIdx()).isEqualTo(1);
    assertThat(driver.used(0)).isEqualTo(new MockVirtQueue.Used(head, 42));

    assertThat(queue.pop().head()).isEqualTo(second);
    assertThat(queue.hasAvailable()).isFalse();
    assertThatThrownBy(queue::pop).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void undoPopReturnsTheSameChainNextTime() {
    VirtQueue queue = queue(false);
    int head = driver.add(driver.readable(new byte[4]));
    assertThat(queue.pop().head()).isEqualTo(head);
    queue.undoPop();
    assertThat(queue.hasAvailable()).isTrue();
    assertThat(queue.pop().head()).isEqualTo(head);
  }

  @Test
  void indexesWrapAroundSixteenBits() {
    VirtQueue queue = queue(true);
    MockVirtQueue.Buffer buffer = driver.writable(8);
    for (int i = 0; i < 70_000; i++) {
      int head = driver.add(buffer);
      assertThat(queue.pop().head()).isEqualTo(head);
      queue.addUsed(head, 8);
    }
    assertThat(driver.usedIdx()).isEqualTo(70_000 & 0xFFFF);
    assertThat(queue.hasAvailable()).isFalse();
  }

  @Test
  void withoutEventIdxTheDriverCanTurnInterruptsOff() {
    VirtQueue queue = queue(false);
    assertThat(queue.needsNotification()).as("nothing used yet").isFalse();
    int head = driver.add(driver.writable(4));
    queue.pop();
    queue.addUsed(head, 4);
    driver.setAvailFlags(VirtQueue.AVAIL_F_NO_INTERRUPT);
    assertThat(queue.needsNotification()).isFalse();

    driver.setAvailFlags(0);
    head = driver.add(driver.writable(4));
    queue.pop();
    queue.addUsed(head, 4);
    assertThat(queue.needsNotification()).isTrue();
    assertThat(queue.needsNotification()).as("already told").isFalse();
    assertThat(queue.enableNotification()).isTrue();
  }

  @Test
  void withEventIdxTheDeviceInterruptsOnlyWhenUsedEventIsPassed() {
    VirtQueue queue = queue(true);
    MockVirtQueue.Buffer buffer = driver.writable(4);
    // The driver wants an interrupt once the used index moves past 2 (i.e. reaches 3).
    driver.setUsedEvent(2);
    useOne(queue, buffer);
    useOne(queue, buffer);
    assertThat(queue.needsNotification()).as("used index 2").isFalse();
    useOne(queue, buffer);
    assertThat(queue.needsNotification()).as("used index 3").isTrue();

    // A batch that jumps over used_event still interrupts once.
    driver.setUsedEvent(4);
    for (int i = 0; i < 3; i++) {
      useOne(queue, buffer);
    }
    assertThat(queue.needsNotification()).isTrue();
  }

  @Test
  void withEventIdxEnablingNotificationPublishesAvailEventAndSeesLateChains() {
    VirtQueue queue = queue(true);
    driver.add(driver.writable(4));
    driver.add(driver.writable(4));
    assertThat(queue.enableNotification()).as("chains are waiting").isFalse();
    queue.pop();
    queue.pop();
    assertThat(queue.enableNotification()).isTrue();
    assertThat(driver.availEvent()).isEqualTo(2);
  }

  @Test
  void aQueueMustLieInsideGuestMemory() {
    QueueLayout outside = new QueueLayout(256, 0xF_F000, 0xF_F000 + 4096, 0xF_F000 + 8192);
    assertThatThrownBy(() -> new VirtQueue(memory, outside, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: inside one guest memory region");
    assertThatThrownBy(() -> new QueueLayout(300, 0, 0x2000, 0x3000))
        .hasMessage("queue size: 300 (expected: a power of two from 1 to 32768)");
    assertThatThrownBy(() -> new QueueLayout(16, 0x1008, 0x2000, 0x3000))
        .hasMessage("descriptor table: 0x1008 (expected: 16-byte aligned)");
    assertThatThrownBy(() -> new QueueLayout(16, 0x1000, 0x2001, 0x3000))
        .hasMessageContaining("available ring");
    assertThatThrownBy(() -> new QueueLayout(16, 0x1000, 0x2000, 0x3002))
        .hasMessageContaining("used ring");
  }

  private void useOne(VirtQueue queue, MockVirtQueue.Buffer buffer) {
    int head = driver.add(buffer);
    queue.pop();
    queue.addUsed(head, 0);
  }
}
