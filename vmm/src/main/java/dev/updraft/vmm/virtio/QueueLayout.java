package dev.updraft.vmm.virtio;

import dev.updraft.vmm.memory.GuestMemory;

/**
 * Where the driver put a split virtqueue (virtio 1.1 section 2.6): the descriptor table (16 bytes
 * per entry, 16-byte aligned), the driver area or available ring ({@code flags, idx, ring[size],
 * used_event}, 2-byte aligned) and the device area or used ring ({@code flags, idx, ring[size]{id,
 * len}, avail_event}, 4-byte aligned).
 *
 * @param size number of entries, a power of two
 * @param descTable guest address of the descriptor table
 * @param availRing guest address of the available ring
 * @param usedRing guest address of the used ring
 */
public record QueueLayout(int size, long descTable, long availRing, long usedRing) {
  /** The largest queue the split ring format allows. */
  public static final int MAX_SIZE = 32768;

  public QueueLayout {
    if (size < 1 || size > MAX_SIZE || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException(
          "queue size: " + size + " (expected: a power of two from 1 to " + MAX_SIZE + ")");
    }
    requireAligned("descriptor table", descTable, 16);
    requireAligned("available ring", availRing, 2);
    requireAligned("used ring", usedRing, 4);
  }

  public long descTableBytes() {
    return 16L * size;
  }

  public long availRingBytes() {
    return 6 + 2L * size;
  }

  public long usedRingBytes() {
    return 6 + 8L * size;
  }

  /** Checks that all three parts lie inside guest memory, each within one region. */
  public void requireInside(GuestMemory memory) {
    requireInside(memory, "descriptor table", descTable, descTableBytes());
    requireInside(memory, "available ring", availRing, availRingBytes());
    requireInside(memory, "used ring", usedRing, usedRingBytes());
  }

  private static void requireInside(GuestMemory memory, String what, long address, long bytes) {
    if (!memory.contains(address, bytes)) {
      throw new IllegalArgumentException(
          what
              + ": 0x"
              + Long.toHexString(address)
              + " + "
              + bytes
              + " bytes (expected: inside one guest memory region)");
    }
  }

  private static void requireAligned(String what, long address, int alignment) {
    if ((address & (alignment - 1)) != 0) {
      throw new IllegalArgumentException(
          what
              + ": 0x"
              + Long.toHexString(address)
              + " (expected: "
              + alignment
              + "-byte aligned)");
    }
  }
}
