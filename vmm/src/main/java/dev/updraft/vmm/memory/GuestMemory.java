package dev.updraft.vmm.memory;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Guest physical memory from the consumer side (rust-vmm vm-memory's principle): devices, loaders
 * and virtqueues read and write guest addresses through this interface and never see how the memory
 * is mapped. Multi-byte values are little-endian. Every access is checked: an address outside guest
 * RAM throws {@link GuestMemoryException}, and a single access never spans two regions.
 */
public interface GuestMemory {
  /** The RAM regions, sorted by address and not overlapping. */
  List<MemoryRegion> regions();

  /** Whether {@code [address, address + length)} lies inside one region. */
  default boolean contains(long address, long length) {
    for (MemoryRegion region : regions()) {
      if (region.contains(address, length)) {
        return true;
      }
    }
    return false;
  }

  byte readByte(long address);

  short readShort(long address);

  int readInt(long address);

  long readLong(long address);

  void writeByte(long address, byte value);

  void writeShort(long address, short value);

  void writeInt(long address, int value);

  void writeLong(long address, long value);

  /** Acquire load of an aligned 16-bit value: sees every store the guest made before it. */
  short readShortAcquire(long address);

  /** Release store of an aligned 16-bit value: published after every earlier store. */
  void writeShortRelease(long address, short value);

  void read(long address, byte[] dst, int offset, int length);

  void write(long address, byte[] src, int offset, int length);

  /** Sets {@code length} bytes from {@code address} to zero. */
  void zero(long address, long length);

  /**
   * Gives the host back the pages of {@code [address, address + length)} (4 KiB aligned, inside one
   * region), as a balloon does with the pages its guest handed over: their content is lost. They
   * read as zero afterwards, or as the snapshot's content in memory restored from a file.
   */
  void discard(long address, long length);

  /**
   * A view of {@code [address, address + length)} that reads and writes guest memory directly, so
   * file and network I/O needs no copy. The range must lie inside one region.
   */
  ByteBuffer slice(long address, int length);
}
