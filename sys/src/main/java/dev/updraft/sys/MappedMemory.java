package dev.updraft.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A memory mapping made with {@code mmap(2)} and unmapped on {@link #close()}. Accesses are bounds
 * checked and little-endian (x86-64 guest byte order); after close every access fails with {@link
 * IllegalStateException} instead of touching unmapped memory, even from other threads.
 */
public final class MappedMemory implements AutoCloseable {
  public static final int PROT_NONE = 0;
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 0x01;
  public static final int MAP_PRIVATE = 0x02;
  public static final int MAP_FIXED = 0x10;
  public static final int MAP_ANONYMOUS = 0x20;
  public static final int MAP_NORESERVE = 0x4000;
  public static final int MAP_POPULATE = 0x8000;
  public static final int MADV_DONTNEED = 4;
  public static final int MADV_REMOVE = 9;
  public static final int MADV_DONTFORK = 10;
  public static final int MADV_MERGEABLE = 12;
  public static final int MADV_HUGEPAGE = 14;
  public static final int MS_SYNC = 4;

  /** The host page size the kernel's page-granular calls count in (x86-64). */
  public static final int PAGE_SIZE = 4096;

  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
  // Aligned layouts for the acquire/release accesses virtio rings need; misaligned use throws.
  private static final VarHandle SHORT_ORDERED = ValueLayout.JAVA_SHORT.varHandle();
  private static final VarHandle INT_ORDERED = ValueLayout.JAVA_INT.varHandle();

  private final Arena arena;
  private final MemorySegment segment;
  private final String what;

  private MappedMemory(Arena arena, MemorySegment segment, String what) {
    this.arena = arena;
    this.segment = segment;
    this.what = what;
  }

  /** Private anonymous memory of {@code size} bytes, zero-filled, not reserved up front. */
  public static MappedMemory anonymous(long size) {
    return map(null, 0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
  }

  /** Maps {@code size} bytes of {@code fd} from {@code offset} with the given protection. */
  @SuppressWarnings("restricted") // gives the mmap result its true size; see SAFETY below
  public static MappedMemory map(Fd fd, long offset, long size, int prot, int flags) {
    if (size <= 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: > 0)");
    }
    if (offset < 0 || (offset & 4095) != 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0, page aligned)");
    }
    String what = fd == null ? "anonymous" : fd.what();
    MemorySegment address;
    try {
      address =
          (MemorySegment)
              Libc.Memory.MMAP.invokeExact(
                  Native.errnoState(),
                  MemorySegment.NULL,
                  size,
                  prot,
                  flags,
                  fd == null ? -1 : fd.value(),
                  offset);
    } catch (Throwable t) {
      throw Native.linkFailure("mmap", t);
    }
    if (address.address() == -1L) { // MAP_FAILED
      throw new ErrnoException("mmap(" + what + ", " + size + " bytes)", Native.lastErrno());
    }
    // Owned by the MappedMemory returned: its close() closes the arena, which unmaps.
    @SuppressWarnings("MustBeClosedChecker")
    Arena arena = Arena.ofShared();
    long length = size;
    // SAFETY: mmap returned a mapping of exactly `size` bytes at `address`; the segment is bound to
    // `arena`, whose closing runs munmap once, after the JVM guarantees no thread still accesses
    // it.
    MemorySegment segment = address.reinterpret(size, arena, s -> unmap(s, length));
    return new MappedMemory(arena, segment, what);
  }

  /**
   * Maps {@code fd} from {@code offset} over this whole mapping, at the same address (MAP_FIXED):
   * the old pages are gone, the address and size stay, and so does whatever the kernel keyed on the
   * address (a KVM memory slot made ahead for it). Close unmaps the new mapping.
   *
   * @param flags MAP_SHARED or MAP_PRIVATE and modifiers; MAP_FIXED is added
   */
  public void mapOver(Fd fd, long offset, int prot, int flags) {
    mapOver(fd, offset, segment.byteSize(), prot, flags);
  }

  /**
   * The same over the first {@code length} bytes only (page aligned, at most the mapping's size):
   * the rest keeps its pages. A file shorter than the mapping is laid over anonymous memory this
   * way, as virtio-pmem does with a file whose size is not a multiple of 2 MiB.
   */
  public synchronized void mapOver(Fd fd, long offset, long length, int prot, int flags) {
    if (length <= 0 || length > segment.byteSize() || (length & (PAGE_SIZE - 1)) != 0) {
      throw new IllegalArgumentException(
          "length: " + length + " (expected: page aligned, 1.." + segment.byteSize() + ")");
    }
    if (!arena.scope().isAlive()) {
      throw new IllegalStateException(this + ": closed");
    }
    if (offset < 0 || (offset & 4095) != 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0, page aligned)");
    }
    MemorySegment address;
    try {
      address =
          (MemorySegment)
              Libc.Memory.MMAP.invokeExact(
                  Native.errnoState(),
                  MemorySegment.ofAddress(segment.address()),
                  length,
                  prot,
                  flags | MAP_FIXED,
                  fd.value(),
                  offset);
    } catch (Throwable t) {
      throw Native.linkFailure("mmap", t);
    }
    // On MAP_FAILED the range may have lost its old pages; close() unmaps it all the same.
    if (address.address() == -1L) {
      throw new ErrnoException(
          "mmap(" + fd.what() + ", " + length + " bytes, MAP_FIXED)", Native.lastErrno());
    }
    if (address.address() != segment.address()) {
      throw new IllegalStateException(
          "mmap MAP_FIXED at 0x"
              + Long.toHexString(segment.address())
              + " returned 0x"
              + Long.toHexString(address.address()));
    }
  }

  private static void unmap(MemorySegment base, long size) {
    try {
      int result = (int) Libc.Memory.MUNMAP.invokeExact(Native.errnoState(), base, size);
      Native.check("munmap", result);
    } catch (Throwable t) {
      throw Native.linkFailure("munmap", t);
    }
  }

  /**
   * The mapping as a segment, for the sys sub-packages that pass it to the kernel (KVM's kvm_run
   * area). Other modules must not call this: the fence test rejects java.lang.foreign outside sys.
   */
  public MemorySegment segment() {
    return segment;
  }

  public long size() {
    return segment.byteSize();
  }

  /** The host virtual address of the first byte, e.g. for KVM_SET_USER_MEMORY_REGION. */
  public long address() {
    return segment.address();
  }

  public byte getByte(long offset) {
    return segment.get(ValueLayout.JAVA_BYTE, offset);
  }

  public void putByte(long offset, byte value) {
    segment.set(ValueLayout.JAVA_BYTE, offset, value);
  }

  public short getShort(long offset) {
    return segment.get(SHORT, offset);
  }

  public void putShort(long offset, short value) {
    segment.set(SHORT, offset, value);
  }

  public int getInt(long offset) {
    return segment.get(INT, offset);
  }

  public void putInt(long offset, int value) {
    segment.set(INT, offset, value);
  }

  public long getLong(long offset) {
    return segment.get(LONG, offset);
  }

  public void putLong(long offset, long value) {
    segment.set(LONG, offset, value);
  }

  /** An acquire load of an aligned 16-bit value (e.g. a virtio ring index written by a guest). */
  public short getShortAcquire(long offset) {
    return (short) SHORT_ORDERED.getAcquire(segment, offset);
  }

  /** A release store of an aligned 16-bit value, ordered after every earlier store. */
  public void putShortRelease(long offset, short value) {
    SHORT_ORDERED.setRelease(segment, offset, value);
  }

  /** An acquire load of an aligned 32-bit value. */
  public int getIntAcquire(long offset) {
    return (int) INT_ORDERED.getAcquire(segment, offset);
  }

  /** A release store of an aligned 32-bit value. */
  public void putIntRelease(long offset, int value) {
    INT_ORDERED.setRelease(segment, offset, value);
  }

  /** Copies {@code length} bytes at {@code offset} into {@code dst[dstOffset..]}. */
  public void read(long offset, byte[] dst, int dstOffset, int length) {
    MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, dst, dstOffset, length);
  }

  /** Copies {@code src[srcOffset..srcOffset+length)} to {@code offset}. */
  public void write(long offset, byte[] src, int srcOffset, int length) {
    MemorySegment.copy(src, srcOffset, segment, ValueLayout.JAVA_BYTE, offset, length);
  }

  /** Sets {@code length} bytes from {@code offset} to {@code value}. */
  public void fill(long offset, long length, byte value) {
    segment.asSlice(offset, length).fill(value);
  }

  /**
   * A little-endian {@link ByteBuffer} view of {@code [offset, offset+length)} without copying, so
   * that {@link Fd#read} and {@link Fd#pwrite} move data straight between a file and this memory.
   * The view must not be used after {@link #close()}.
   */
  public ByteBuffer slice(long offset, int length) {
    return segment.asSlice(offset, length).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * {@code msync(2)} with MS_SYNC over {@code [offset, offset+length)} (offset page aligned): the
   * written pages of a shared file mapping reach the file, and the call returns once they have.
   */
  public void sync(long offset, long length) {
    Objects.checkFromIndexSize(offset, length, size());
    if ((offset & (PAGE_SIZE - 1)) != 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: page aligned)");
    }
    try {
      int result =
          (int)
              Libc.Memory.MSYNC.invokeExact(
                  Native.errnoState(), segment.asSlice(offset, length), length, MS_SYNC);
      Native.check("msync(" + what + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("msync", t);
    }
  }

  /** {@code madvise(2)} over {@code [offset, offset+length)}; offset must be page aligned. */
  public void madvise(long offset, long length, int advice) {
    Objects.checkFromIndexSize(offset, length, size());
    try {
      int result =
          (int)
              Libc.Memory.MADVISE.invokeExact(
                  Native.errnoState(), segment.asSlice(offset, length), length, advice);
      Native.check("madvise(" + what + ", " + advice + ")", result);
    } catch (Throwable t) {
      throw Native.linkFailure("madvise", t);
    }
  }

  /**
   * {@code mincore(2)} over {@code [offset, offset+length)} (offset page aligned): one flag per 4
   * KiB page, true where the page is resident, i.e. was touched since the mapping was made (for
   * anonymous memory) or is in the page cache (for a file).
   */
  public boolean[] resident(long offset, long length) {
    Objects.checkFromIndexSize(offset, length, size());
    if ((offset & (PAGE_SIZE - 1)) != 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: page aligned)");
    }
    long pages = (length + PAGE_SIZE - 1) / PAGE_SIZE;
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment vector = scratch.allocate(Math.max(1, pages));
      int result =
          (int)
              Libc.Memory.MINCORE.invokeExact(
                  Native.errnoState(), segment.asSlice(offset, length), length, vector);
      Native.check("mincore(" + what + ")", result);
      boolean[] resident = new boolean[(int) pages];
      for (int i = 0; i < resident.length; i++) {
        resident[i] = (vector.get(ValueLayout.JAVA_BYTE, i) & 1) != 0;
      }
      return resident;
    } catch (Throwable t) {
      throw Native.linkFailure("mincore", t);
    }
  }

  /** Unmaps the memory; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }

  @Override
  public String toString() {
    return "MappedMemory[" + what + ", " + size() + " bytes]";
  }
}
