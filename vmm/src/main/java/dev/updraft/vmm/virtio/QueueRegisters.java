package dev.updraft.vmm.virtio;

/**
 * The per-queue registers the driver writes through the transport before DRIVER_OK. Nothing is
 * checked until activation, when {@link #toLayout} turns them into a validated layout.
 */
final class QueueRegisters {
  int size;
  boolean ready;
  long descTable;
  long availRing;
  long usedRing;

  QueueLayout toLayout(int index, int maxSize) {
    if (!ready) {
      throw new IllegalArgumentException(
          "queue " + index + " ready: 0 (expected: 1 before DRIVER_OK)");
    }
    if (size < 1 || size > maxSize || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException(
          "queue "
              + index
              + " size: "
              + size
              + " (expected: a power of two from 1 to "
              + maxSize
              + ")");
    }
    return new QueueLayout(size, descTable, availRing, usedRing);
  }

  static long low(long value, int bits) {
    return (value & 0xFFFF_FFFF_0000_0000L) | Integer.toUnsignedLong(bits);
  }

  static long high(long value, int bits) {
    return (value & 0xFFFF_FFFFL) | ((long) bits << 32);
  }
}
