package dev.updraft.vmm.virtio;

import dev.updraft.vmm.memory.GuestMemory;
import java.util.Arrays;

/**
 * The driver side of a split virtqueue, for tests (virtio-queue's mock.rs): it lays out the
 * descriptor table, available and used rings at {@code base}, hands out data buffers from its own
 * area, adds chains as a driver would, and lets hostile tests write raw descriptors and indexes.
 */
public final class MockVirtQueue {
  public static final int NEXT = VirtQueue.DESC_F_NEXT;
  public static final int WRITE = VirtQueue.DESC_F_WRITE;
  public static final int INDIRECT = VirtQueue.DESC_F_INDIRECT;

  /** A buffer the driver offers: where, how long, and whether the device writes it. */
  public record Buffer(long address, int length, boolean writable) {}

  /** One used-ring element. */
  public record Used(int id, long length) {}

  private final GuestMemory memory;
  private final QueueLayout layout;
  private final long dataEnd;
  private long nextData;
  private int nextDescriptor;
  private int availIdx;

  /**
   * A queue of {@code size} entries whose rings start at {@code base}; data buffers come from
   * {@code [dataBase, dataBase + dataSize)}.
   */
  public MockVirtQueue(GuestMemory memory, long base, int size, long dataBase, long dataSize) {
    this.memory = memory;
    long avail = base + 16L * size;
    long used = (avail + 6 + 2L * size + 3) & ~3L;
    this.layout = new QueueLayout(size, base, avail, used);
    this.nextData = dataBase;
    this.dataEnd = dataBase + dataSize;
  }

  public QueueLayout layout() {
    return layout;
  }

  public int size() {
    return layout.size();
  }

  /** A device-readable buffer holding {@code bytes}. */
  public Buffer readable(byte[] bytes) {
    long address = allocate(bytes.length);
    memory.write(address, bytes, 0, bytes.length);
    return new Buffer(address, bytes.length, false);
  }

  /** A device-writable buffer of {@code length} bytes, filled with 0xEE so writes show. */
  public Buffer writable(int length) {
    long address = allocate(length);
    byte[] fill = new byte[length];
    Arrays.fill(fill, (byte) 0xEE);
    memory.write(address, fill, 0, length);
    return new Buffer(address, length, true);
  }

  /** Adds a chain of {@code buffers} and publishes it; returns its head index. */
  public int add(Buffer... buffers) {
    int head = nextDescriptor;
    for (int i = 0; i < buffers.length; i++) {
      boolean last = i + 1 == buffers.length;
      Buffer b = buffers[i];
      int flags = (b.writable() ? WRITE : 0) | (last ? 0 : NEXT);
      writeDescriptor(
          (head + i) % size(), b.address(), b.length(), flags, last ? 0 : (head + i + 1) % size());
    }
    nextDescriptor = (head + buffers.length) % size();
    publish(head);
    return head;
  }

  /** Writes descriptor {@code index} as given, unchecked. */
  public void writeDescriptor(int index, long address, long length, int flags, int next) {
    long entry = layout.descTable() + 16L * index;
    memory.writeLong(entry, address);
    memory.writeInt(entry + 8, (int) length);
    memory.writeShort(entry + 12, (short) flags);
    memory.writeShort(entry + 14, (short) next);
  }

  /** Puts {@code head} in the next available-ring slot and bumps the index. */
  public void publish(int head) {
    memory.writeShort(layout.availRing() + 4 + 2L * (availIdx % size()), (short) head);
    setAvailIdx(availIdx + 1);
  }

  public void setAvailIdx(int idx) {
    availIdx = idx & 0xFFFF;
    memory.writeShortRelease(layout.availRing() + 2, (short) availIdx);
  }

  public void setAvailFlags(int flags) {
    memory.writeShort(layout.availRing(), (short) flags);
  }

  /** used_event: the used index after which the driver wants an interrupt (EVENT_IDX). */
  public void setUsedEvent(int idx) {
    memory.writeShort(layout.availRing() + 4 + 2L * size(), (short) idx);
  }

  /** avail_event: the avail index after which the device wants a notification (EVENT_IDX). */
  public int availEvent() {
    return memory.readShort(layout.usedRing() + 4 + 8L * size()) & 0xFFFF;
  }

  public int usedIdx() {
    return memory.readShortAcquire(layout.usedRing() + 2) & 0xFFFF;
  }

  /** The {@code n}-th used element ever written (ring slot n mod size). */
  public Used used(int n) {
    long element = layout.usedRing() + 4 + 8L * (n % size());
    return new Used(memory.readInt(element), Integer.toUnsignedLong(memory.readInt(element + 4)));
  }

  /** The bytes of {@code buffer} as they are now. */
  public byte[] bytes(Buffer buffer) {
    byte[] bytes = new byte[buffer.length()];
    memory.read(buffer.address(), bytes, 0, bytes.length);
    return bytes;
  }

  private long allocate(int length) {
    long address = nextData;
    if (address + length > dataEnd) {
      throw new IllegalStateException("mock queue: out of data space");
    }
    nextData = (address + length + 15) & ~15L;
    return address;
  }
}
