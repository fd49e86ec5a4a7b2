package dev.updraft.vmm.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Guest memory on the Java heap: the test double for devices, loaders and queues (the equivalent of
 * vm-memory's test regions), with the same checks as the mapped implementation.
 */
public final class HeapGuestMemory implements GuestMemory {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final int PAGE = 4096;

  private final List<MemoryRegion> regions;
  private final byte[][] backing;
  private long discarded;
  private final List<MemoryRegion> discardedRanges = new java.util.ArrayList<>();

  /** Memory with one region per entry; each region at most 2 GiB (a Java array). */
  public HeapGuestMemory(List<MemoryRegion> regions) {
    List<MemoryRegion> sorted = MemoryRegion.sortedDisjoint(regions);
    this.regions = sorted;
    this.backing = new byte[sorted.size()][];
    for (int i = 0; i < sorted.size(); i++) {
      long size = sorted.get(i).size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "region size: " + size + " (expected: <= 2 GiB for heap memory)");
      }
      backing[i] = new byte[(int) size];
    }
  }

  /** One region of {@code size} bytes at guest address 0. */
  public static HeapGuestMemory ofSize(long size) {
    return new HeapGuestMemory(List.of(new MemoryRegion(0, size)));
  }

  @Override
  public List<MemoryRegion> regions() {
    return regions;
  }

  @Override
  public byte readByte(long address) {
    return backing[region(address, 1)][offset(address)];
  }

  @Override
  public short readShort(long address) {
    return (short) SHORT.get(backing[region(address, 2)], offset(address));
  }

  @Override
  public int readInt(long address) {
    return (int) INT.get(backing[region(address, 4)], offset(address));
  }

  @Override
  public long readLong(long address) {
    return (long) LONG.get(backing[region(address, 8)], offset(address));
  }

  @Override
  public void writeByte(long address, byte value) {
    backing[region(address, 1)][offset(address)] = value;
  }

  @Override
  public void writeShort(long address, short value) {
    SHORT.set(backing[region(address, 2)], offset(address), value);
  }

  @Override
  public void writeInt(long address, int value) {
    INT.set(backing[region(address, 4)], offset(address), value);
  }

  @Override
  public void writeLong(long address, long value) {
    LONG.set(backing[region(address, 8)], offset(address), value);
  }

  @Override
  public short readShortAcquire(long address) {
    requireAligned(address, 2);
    // Byte-array views offer no 16-bit acquire access; a plain load plus a fence is equivalent.
    short value = (short) SHORT.get(backing[region(address, 2)], offset(address));
    VarHandle.acquireFence();
    return value;
  }

  @Override
  public void writeShortRelease(long address, short value) {
    requireAligned(address, 2);
    VarHandle.releaseFence();
    SHORT.set(backing[region(address, 2)], offset(address), value);
  }

  @Override
  public void read(long address, byte[] dst, int offset, int length) {
    if (length == 0) {
      region(address, 0); // still refuse addresses outside guest memory
      return;
    }
    System.arraycopy(backing[region(address, length)], offset(address), dst, offset, length);
  }

  @Override
  public void write(long address, byte[] src, int offset, int length) {
    if (length == 0) {
      region(address, 0); // still refuse addresses outside guest memory
      return;
    }
    System.arraycopy(src, offset, backing[region(address, length)], offset(address), length);
  }

  @Override
  public void zero(long address, long length) {
    if (length == 0) {
      region(address, 0); // still refuse addresses outside guest memory
      return;
    }
    byte[] region = backing[region(address, length)];
    int from = offset(address);
    Arrays.fill(region, from, from + (int) length, (byte) 0);
  }

  /** Zeroes the range and counts it, so tests see what a device gave back to the host. */
  @Override
  public void discard(long address, long length) {
    if (address % PAGE != 0 || length % PAGE != 0) {
      throw new GuestMemoryException(address, length);
    }
    zero(address, length);
    discarded += length;
    discardedRanges.add(new MemoryRegion(address, length));
  }

  /** Whether {@link #discard} released any byte of {@code [address, address + length)}. */
  public boolean wasDiscarded(long address, long length) {
    return discardedRanges.stream()
        .anyMatch(r -> r.start() < address + length && address < r.start() + r.size());
  }

  /** The bytes {@link #discard} has released so far. */
  public long discardedBytes() {
    return discarded;
  }

  @Override
  public ByteBuffer slice(long address, int length) {
    return ByteBuffer.wrap(backing[region(address, length)], offset(address), length)
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private int region(long address, long length) {
    for (int i = 0; i < regions.size(); i++) {
      if (regions.get(i).contains(address, length)) {
        return i;
      }
    }
    throw new GuestMemoryException(address, length);
  }

  // Called after region() accepted the address, so exactly one region contains it.
  private int offset(long address) {
    for (MemoryRegion region : regions) {
      if (address >= region.start() && address < region.end()) {
        return (int) (address - region.start());
      }
    }
    throw new GuestMemoryException(address, 1);
  }

  private static void requireAligned(long address, int size) {
    if (address % size != 0) {
      throw new IllegalArgumentException(
          "address: 0x" + Long.toHexString(address) + " (expected: " + size + "-byte aligned)");
    }
  }
}
