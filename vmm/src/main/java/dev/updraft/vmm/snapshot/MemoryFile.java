package dev.updraft.vmm.snapshot;

import dev.updraft.sys.MappedMemory;
import dev.updraft.vmm.memory.MappedGuestMemory;
import dev.updraft.vmm.memory.MemoryRegion;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The memory file: guest memory's regions one after the other, as Firecracker writes it. A full
 * snapshot writes all of it; a diff writes only the pages given, at their offsets, into a file of
 * the memory's size whose other pages are holes (a sparse file), or straight into an existing file
 * of that size (which merges the diff into it).
 */
public final class MemoryFile {
  // Writes go straight from guest memory in pieces a ByteBuffer can address.
  private static final int CHUNK = 1 << 30;
  private static final int PAGE = MappedMemory.PAGE_SIZE;
  // Only compared against, never written: a buffer's mismatch reads it without moving it.
  private static final ByteBuffer ZERO_PAGE = ByteBuffer.allocateDirect(PAGE);

  private MemoryFile() {}

  /**
   * Writes every region of {@code memory} to {@code path}, then syncs it. Into a new file (or one
   * of another size) pages of zeros are not written but left as holes, as QEMU's migration skips
   * them: most of a young guest's memory was never touched, and reading a hole gives the same
   * zeros. An existing file of the memory's size gets every page, since it may be the very file
   * this VM's memory is mapped from.
   */
  public static void writeFull(Path path, MappedGuestMemory memory) {
    long total = totalBytes(memory);
    boolean fresh;
    try {
      fresh = !Files.isRegularFile(path) || Files.size(path) != total;
    } catch (IOException e) {
      throw new SnapshotException("mem_file_path: " + path + ": cannot write: " + e, e);
    }
    List<MemoryRegion> regions = memory.regions();
    writePages(
        path,
        memory,
        fresh
            ? (r, page) -> !zero(memory, regions.get(r).start() + page * PAGE)
            : (r, page) -> true);
  }

  /**
   * Writes the pages set in {@code dirty} (one bitmap per region, bit i of word i/64 = page i) to
   * {@code path}, then syncs it. Returns how many pages it wrote.
   */
  public static long writeDiff(Path path, MappedGuestMemory memory, List<long[]> dirty) {
    return writePages(path, memory, (r, page) -> isSet(dirty.get(r), page));
  }

  /** Which pages to write: page {@code page} of region {@code region}. */
  private interface PageFilter {
    boolean write(int region, long page);
  }

  /** Writes the pages {@code filter} takes, in runs, each at its offset; syncs; returns pages. */
  private static long writePages(Path path, MappedGuestMemory memory, PageFilter filter) {
    long written = 0;
    try (FileChannel file = open(path, totalBytes(memory))) {
      long fileOffset = 0;
      List<MemoryRegion> regions = memory.regions();
      for (int r = 0; r < regions.size(); r++) {
        MemoryRegion region = regions.get(r);
        long pages = region.size() / PAGE;
        long page = 0;
        while (page < pages) {
          if (!filter.write(r, page)) {
            page++;
            continue;
          }
          long run = page + 1;
          while (run < pages && (run - page) * PAGE < CHUNK && filter.write(r, run)) {
            run++;
          }
          int length = (int) ((run - page) * PAGE);
          write(
              file,
              memory.readOnly(region.start() + page * PAGE, length),
              fileOffset + page * PAGE);
          written += run - page;
          page = run;
        }
        fileOffset += region.size();
      }
      file.force(false);
    } catch (IOException e) {
      throw new SnapshotException("mem_file_path: " + path + ": cannot write: " + e, e);
    }
    return written;
  }

  private static boolean zero(MappedGuestMemory memory, long address) {
    return memory.readOnly(address, PAGE).mismatch(ZERO_PAGE) < 0;
  }

  /**
   * Checks that {@code path} is a file of exactly {@code bytes}, the memory a state file describes.
   */
  public static void requireSize(Path path, long bytes, String field) {
    long size;
    try {
      if (!Files.isRegularFile(path)) {
        throw new SnapshotException(field + ": " + path + ": not a file");
      }
      size = Files.size(path);
    } catch (NoSuchFileException e) {
      throw new SnapshotException(field + ": " + path + ": no such file", e);
    } catch (IOException e) {
      throw new SnapshotException(field + ": " + path + ": " + e, e);
    }
    if (size != bytes) {
      throw new SnapshotException(
          field
              + ": "
              + path
              + ": "
              + size
              + " bytes (expected: "
              + bytes
              + ", the guest memory the state file describes)");
    }
  }

  private static boolean isSet(long[] bits, long page) {
    return (bits[(int) (page >>> 6)] & (1L << (page & 63))) != 0;
  }

  /**
   * Opens the file at the memory's size. A file of that size is kept as it is: a full snapshot may
   * go to the very file this VM's memory is mapped from (truncating it would zero the guest's
   * untouched pages), and a diff merges into it.
   */
  private static FileChannel open(Path path, long size) throws IOException {
    RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
    try {
      if (file.length() != size) {
        file.setLength(0);
        // Extending the length writes nothing: every page stays a hole until it is written.
        file.setLength(size);
      }
      return file.getChannel();
    } catch (IOException e) {
      file.close();
      throw e;
    }
  }

  private static void write(FileChannel file, ByteBuffer data, long position) throws IOException {
    long at = position;
    while (data.hasRemaining()) {
      at += file.write(data, at);
    }
  }

  private static long totalBytes(MappedGuestMemory memory) {
    return memory.regions().stream().mapToLong(MemoryRegion::size).sum();
  }
}
