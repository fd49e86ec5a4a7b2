package dev.updraft.vmm.virtio;

import dev.updraft.vmm.memory.GuestMemory;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The device side of a split virtqueue (virtio 1.1 section 2.6), with VIRTIO_F_RING_EVENT_IDX when
 * negotiated. The guest owns the memory and may rewrite it at any moment, so every value read from
 * it is checked before use: a chain that is malformed comes back as a {@link BadChain} (the request
 * fails, the queue goes on), a ring that is corrupt throws {@link QueueCorruptedException} (the
 * device needs a reset). The only guest memory this class writes is the used ring, whose place was
 * checked when the queue was made.
 *
 * <p>Not thread-safe: the owning device's lock guards it.
 */
public final class VirtQueue {
  static final int DESC_F_NEXT = 1;
  static final int DESC_F_WRITE = 2;
  static final int DESC_F_INDIRECT = 4;
  static final int AVAIL_F_NO_INTERRUPT = 1;
  private static final long MAX_CHAIN_BYTES = 0xFFFF_FFFFL;

  private final GuestMemory memory;
  private final QueueLayout layout;
  private final boolean eventIdx;
  private final int size;
  // Free-running 16-bit counters, as the ring indexes are.
  private int nextAvail;
  private int nextUsed;
  private int addedSinceSignal;

  /**
   * A queue over {@code layout}, which must lie inside {@code memory}; {@code eventIdx} if the
   * driver accepted VIRTIO_F_RING_EVENT_IDX.
   */
  public VirtQueue(GuestMemory memory, QueueLayout layout, boolean eventIdx) {
    this.memory = Objects.requireNonNull(memory, "memory");
    this.layout = Objects.requireNonNull(layout, "layout");
    layout.requireInside(memory);
    this.eventIdx = eventIdx;
    this.size = layout.size();
  }

  public int size() {
    return size;
  }

  /** Whether the driver has made chains available that the device has not popped. */
  public boolean hasAvailable() {
    int availIdx = u16(memory.readShortAcquire(layout.availRing() + 2));
    int pending = (availIdx - nextAvail) & 0xFFFF;
    if (pending > size) {
      throw new QueueCorruptedException(
          "available index: "
              + availIdx
              + " is "
              + pending
              + " entries ahead of the device (expected: at most the queue size "
              + size
              + ")");
    }
    return pending > 0;
  }

  /** The next available-ring entry the device will pop (free-running, 16 bits). */
  public int nextAvail() {
    return nextAvail;
  }

  /** The next used-ring entry the device will fill (free-running, 16 bits). */
  public int nextUsed() {
    return nextUsed;
  }

  /** Used entries added since {@link #needsNotification()} last looked. */
  public int unsignalled() {
    return addedSinceSignal;
  }

  /** Puts a new queue where a saved one was in its rings (snapshot restore). */
  public void restorePosition(int savedNextAvail, int savedNextUsed, int savedUnsignalled) {
    nextAvail = savedNextAvail & 0xFFFF;
    nextUsed = savedNextUsed & 0xFFFF;
    addedSinceSignal = Math.max(0, savedUnsignalled);
  }

  /**
   * Reads chain {@code head} again, as {@link #pop()} would: for a device that held popped chains
   * when it was saved and takes them back on restore.
   */
  public QueueEntry chainAt(int head) {
    if (head < 0 || head >= size) {
      throw new IllegalArgumentException("head: " + head + " (expected: 0.." + (size - 1) + ")");
    }
    return readChain(head);
  }

  /** Takes the next available chain; only after {@link #hasAvailable()} returned true. */
  public QueueEntry pop() {
    if (!hasAvailable()) {
      throw new IllegalStateException("pop: the available ring is empty");
    }
    int slot = nextAvail % size;
    int head = u16(memory.readShort(layout.availRing() + 4 + 2L * slot));
    if (head >= size) {
      throw new QueueCorruptedException(
          "available ring entry " + slot + ": head " + head + " (expected: < " + size + ")");
    }
    nextAvail = (nextAvail + 1) & 0xFFFF;
    return readChain(head);
  }

  /** Puts the last popped chain back, for a request the device cannot take yet. */
  public void undoPop() {
    nextAvail = (nextAvail - 1) & 0xFFFF;
  }

  /** Returns chain {@code head} to the driver with {@code length} bytes written into it. */
  public void addUsed(int head, long length) {
    if (head < 0 || head >= size) {
      throw new IllegalArgumentException("head: " + head + " (expected: 0.." + (size - 1) + ")");
    }
    if (length < 0 || length > MAX_CHAIN_BYTES) {
      throw new IllegalArgumentException("length: " + length + " (expected: 0..2^32-1)");
    }
    long element = layout.usedRing() + 4 + 8L * (nextUsed % size);
    memory.writeInt(element, head);
    memory.writeInt(element + 4, (int) length);
    nextUsed = (nextUsed + 1) & 0xFFFF;
    // Release: the driver that sees the new index also sees the element and the buffers.
    memory.writeShortRelease(layout.usedRing() + 2, (short) nextUsed);
    addedSinceSignal++;
  }

  /**
   * Whether the driver wants an interrupt for what was used since the last call: with EVENT_IDX,
   * when the used index has passed its used_event (vring_need_event); otherwise unless it set
   * VRING_AVAIL_F_NO_INTERRUPT. Either way, not if nothing was used.
   */
  public boolean needsNotification() {
    if (addedSinceSignal == 0) {
      return false;
    }
    int added = addedSinceSignal;
    addedSinceSignal = 0;
    // The used index must be visible before the driver's suppression fields are read.
    VarHandle.fullFence();
    if (!eventIdx) {
      return (memory.readShort(layout.availRing()) & AVAIL_F_NO_INTERRUPT) == 0;
    }
    if (added > 0xFFFF) {
      return true;
    }
    int usedEvent = u16(memory.readShort(layout.availRing() + 4 + 2L * size));
    int old = (nextUsed - added) & 0xFFFF;
    return ((nextUsed - usedEvent - 1) & 0xFFFF) < ((nextUsed - old) & 0xFFFF);
  }

  /**
   * Asks the driver (with EVENT_IDX: via avail_event) to notify when it adds the next chain.
   * Returns true if the ring is still empty afterwards, so the device may stop; false if chains
   * arrived meanwhile and must be processed first.
   */
  public boolean enableNotification() {
    if (!eventIdx) {
      return true;
    }
    memory.writeShort(layout.usedRing() + 4 + 8L * size, (short) nextAvail);
    // The driver must see avail_event before we look at its index once more.
    VarHandle.fullFence();
    return !hasAvailable();
  }

  private QueueEntry readChain(int head) {
    List<Descriptor> descriptors = new ArrayList<>();
    long total = 0;
    int index = head;
    while (true) {
      if (descriptors.size() == size) {
        return new BadChain(head, "chain longer than the queue size " + size + " (a loop)");
      }
      long entry = layout.descTable() + 16L * index;
      long address = memory.readLong(entry);
      long length = Integer.toUnsignedLong(memory.readInt(entry + 8));
      int flags = u16(memory.readShort(entry + 12));
      int next = u16(memory.readShort(entry + 14));
      if ((flags & DESC_F_INDIRECT) != 0) {
        return new BadChain(head, "descriptor " + index + ": indirect (not negotiated)");
      }
      if (length > Integer.MAX_VALUE || !memory.contains(address, length)) {
        return new BadChain(
            head,
            "descriptor "
                + index
                + ": 0x"
                + Long.toHexString(address)
                + " + "
                + length
                + " bytes (expected: inside one guest memory region)");
      }
      total += length;
      if (total > MAX_CHAIN_BYTES) {
        return new BadChain(head, "chain length: " + total + " bytes (expected: < 2^32)");
      }
      descriptors.add(new Descriptor(address, (int) length, (flags & DESC_F_WRITE) != 0));
      if ((flags & DESC_F_NEXT) == 0) {
        return new DescriptorChain(head, descriptors);
      }
      if (next >= size) {
        return new BadChain(
            head, "descriptor " + index + ": next " + next + " (expected: < " + size + ")");
      }
      index = next;
    }
  }

  private static int u16(short value) {
    return value & 0xFFFF;
  }
}
