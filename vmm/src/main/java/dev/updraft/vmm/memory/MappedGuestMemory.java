package dev.updraft.vmm.memory;

import dev.updraft.sys.Fd;
import dev.updraft.sys.MappedMemory;
import dev.updraft.sys.OpenFlags;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Guest RAM as anonymous host mappings, one per region (Firecracker's layout splits RAM around the
 * MMIO hole). KVM sees the same pages through its memory slots, so what the guest stores is what
 * devices read here; every access is checked against the regions first.
 */
public final class MappedGuestMemory implements GuestMemory, AutoCloseable {
  private final List<MemoryRegion> regions;
  private final MappedMemory[] mappings;
  // Null unless a diff snapshot may follow (track_dirty_pages): then every write marks its page.
  private volatile WrittenPages[] written;

  private MappedGuestMemory(List<MemoryRegion> regions, MappedMemory[] mappings) {
    this.regions = regions;
    this.mappings = mappings;
  }

  /** Maps zero-filled, unreserved memory for each region (sorted, not overlapping). */
  public static MappedGuestMemory anonymous(List<MemoryRegion> regions) {
    List<MemoryRegion> sorted = MemoryRegion.sortedDisjoint(regions);
    MappedMemory[] mappings = new MappedMemory[sorted.size()];
    try {
      for (int i = 0; i < mappings.length; i++) {
        mappings[i] = MappedMemory.anonymous(sorted.get(i).size());
      }
    } catch (RuntimeException e) {
      for (MappedMemory m : mappings) {
        if (m != null) {
          m.close();
        }
      }
      throw e;
    }
    return new MappedGuestMemory(sorted, mappings);
  }

  @Override
  public List<MemoryRegion> regions() {
    return regions;
  }

  /**
   * The regions mapped copy-on-write from {@code file}, one after the other from offset 0 (a
   * snapshot's memory file): pages are read from the file when first touched, and writes stay in
   * this process, so restoring costs no read of the whole file.
   */
  public static MappedGuestMemory privateFile(List<MemoryRegion> regions, Path file) {
    List<MemoryRegion> sorted = MemoryRegion.sortedDisjoint(regions);
    MappedMemory[] mappings = new MappedMemory[sorted.size()];
    try (Fd fd = Fd.open(file, OpenFlags.O_RDONLY)) {
      long offset = 0;
      for (int i = 0; i < mappings.length; i++) {
        long size = sorted.get(i).size();
        mappings[i] =
            MappedMemory.map(
                fd,
                offset,
                size,
                MappedMemory.PROT_READ | MappedMemory.PROT_WRITE,
                MappedMemory.MAP_PRIVATE | MappedMemory.MAP_NORESERVE);
        offset += size;
      }
    } catch (RuntimeException e) {
      for (MappedMemory m : mappings) {
        if (m != null) {
          m.close();
        }
      }
      throw e;
    }
    return new MappedGuestMemory(sorted, mappings);
  }

  /**
   * Maps {@code file} copy-on-write over these regions, one after the other from offset 0, as
   * {@link #privateFile} does, at the addresses they have now: for memory made ahead whose host
   * addresses KVM already knows (a spare VM's memory slots). The memory must be unused: what it
   * held is gone.
   */
  public void mapFileOver(Path file) {
    try (Fd fd = Fd.open(file, OpenFlags.O_RDONLY)) {
      long offset = 0;
      for (MappedMemory m : mappings) {
        m.mapOver(
            fd,
            offset,
            MappedMemory.PROT_READ | MappedMemory.PROT_WRITE,
            MappedMemory.MAP_PRIVATE | MappedMemory.MAP_NORESERVE);
        offset += m.size();
      }
    }
  }

  /** From now on, remembers the pages this process writes (for {@link #takeWritten}). */
  public void trackWrites() {
    WrittenPages[] pages = new WrittenPages[regions.size()];
    for (int i = 0; i < pages.length; i++) {
      pages[i] = new WrittenPages(regions.get(i).size());
    }
    written = pages;
  }

  public boolean tracksWrites() {
    return written != null;
  }

  /**
   * The pages of region {@code i} this process wrote since the last call, as a bitmap of 64-bit
   * words (KVM_GET_DIRTY_LOG's layout); all zero unless {@link #trackWrites} was called.
   */
  public long[] takeWritten(int i) {
    WrittenPages[] pages = written;
    if (pages == null) {
      return new long[(int) ((regions.get(i).size() / MappedMemory.PAGE_SIZE + 63) / 64)];
    }
    return pages[i].take();
  }

  /** Marks the pages set in {@code bits} written again (a diff snapshot that failed to write). */
  public void rememberWritten(int i, long[] bits) {
    WrittenPages[] pages = written;
    if (pages == null) {
      return;
    }
    for (int word = 0; word < bits.length; word++) {
      for (long rest = bits[word]; rest != 0; rest &= rest - 1) {
        long page = word * 64L + Long.numberOfTrailingZeros(rest);
        pages[i].mark(page * MappedMemory.PAGE_SIZE, 1);
      }
    }
  }

  /** mincore over region {@code i}: the pages present in memory (touched, or cached). */
  public boolean[] resident(int i) {
    return mappings[i].resident(0, mappings[i].size());
  }

  /** The host virtual address of region {@code i}, for KVM_SET_USER_MEMORY_REGION. */
  public long hostAddress(int i) {
    return mappings[i].address();
  }

  /** Advises the kernel about region {@code i} (e.g. MADV_HUGEPAGE for transparent huge pages). */
  public void advise(int i, int advice) {
    mappings[i].madvise(0, mappings[i].size(), advice);
  }

  @Override
  public byte readByte(long address) {
    int r = region(address, 1);
    return mappings[r].getByte(address - regions.get(r).start());
  }

  @Override
  public short readShort(long address) {
    int r = region(address, 2);
    return mappings[r].getShort(address - regions.get(r).start());
  }

  @Override
  public int readInt(long address) {
    int r = region(address, 4);
    return mappings[r].getInt(address - regions.get(r).start());
  }

  @Override
  public long readLong(long address) {
    int r = region(address, 8);
    return mappings[r].getLong(address - regions.get(r).start());
  }

  @Override
  public void writeByte(long address, byte value) {
    int r = region(address, 1);
    written(r, address, 1);
    mappings[r].putByte(address - regions.get(r).start(), value);
  }

  @Override
  public void writeShort(long address, short value) {
    int r = region(address, 2);
    written(r, address, 2);
    mappings[r].putShort(address - regions.get(r).start(), value);
  }

  @Override
  public void writeInt(long address, int value) {
    int r = region(address, 4);
    written(r, address, 4);
    mappings[r].putInt(address - regions.get(r).start(), value);
  }

  @Override
  public void writeLong(long address, long value) {
    int r = region(address, 8);
    written(r, address, 8);
    mappings[r].putLong(address - regions.get(r).start(), value);
  }

  @Override
  public short readShortAcquire(long address) {
    requireAligned(address, 2);
    int r = region(address, 2);
    return mappings[r].getShortAcquire(address - regions.get(r).start());
  }

  @Override
  public void writeShortRelease(long address, short value) {
    requireAligned(address, 2);
    int r = region(address, 2);
    written(r, address, 2);
    mappings[r].putShortRelease(address - regions.get(r).start(), value);
  }

  @Override
  public void read(long address, byte[] dst, int offset, int length) {
    int r = region(address, length);
    mappings[r].read(address - regions.get(r).start(), dst, offset, length);
  }

  @Override
  public void write(long address, byte[] src, int offset, int length) {
    int r = region(address, length);
    written(r, address, length);
    mappings[r].write(address - regions.get(r).start(), src, offset, length);
  }

  @Override
  public void zero(long address, long length) {
    int r = region(address, length);
    written(r, address, length);
    mappings[r].fill(address - regions.get(r).start(), length, (byte) 0);
  }

  @Override
  public void discard(long address, long length) {
    int r = region(address, length);
    if (address % MappedMemory.PAGE_SIZE != 0 || length % MappedMemory.PAGE_SIZE != 0) {
      throw new GuestMemoryException(address, length);
    }
    // The page changes (to zero or the file's content): a diff snapshot must carry it.
    written(r, address, length);
    mappings[r].madvise(address - regions.get(r).start(), length, MappedMemory.MADV_DONTNEED);
  }

  @Override
  public ByteBuffer slice(long address, int length) {
    int r = region(address, length);
    written(r, address, length); // a slice may be written through (a block read, a frame)
    return mappings[r].slice(address - regions.get(r).start(), length);
  }

  /**
   * A read-only view of guest memory that, unlike {@link #slice}, does not count as a write: what a
   * memory file is written from.
   */
  public ByteBuffer readOnly(long address, int length) {
    int r = region(address, length);
    return mappings[r].slice(address - regions.get(r).start(), length).asReadOnlyBuffer();
  }

  @Override
  public void close() {
    for (MappedMemory m : mappings) {
      m.close();
    }
  }

  private void written(int r, long address, long length) {
    WrittenPages[] pages = written;
    if (pages != null) {
      pages[r].mark(address - regions.get(r).start(), length);
    }
  }

  private int region(long address, long length) {
    // At most three regions (below 3 GiB, above 4 GiB, above 512 GiB): a scan beats a search.
    for (int i = 0; i < regions.size(); i++) {
      if (regions.get(i).contains(address, length)) {
        return i;
      }
    }
    throw new GuestMemoryException(address, length);
  }

  private static void requireAligned(long address, int size) {
    if (address % size != 0) {
      throw new GuestMemoryException(address, size);
    }
  }
}
