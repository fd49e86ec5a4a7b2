package dev.updraft.vmm.virtio.pmem;

/**
 * Where a pmem device's file appears in guest physical memory: the device's configuration space
 * (virtio 1.3 §5.19.4, two little-endian 64-bit fields). Firecracker places it 2 MiB aligned and 2
 * MiB sized, the granularity Linux's virtio_pmem driver needs to hot-add it as a memory section.
 *
 * @param start the guest physical address of the first byte
 * @param size the length, the file's rounded up to {@link #ALIGNMENT}
 */
public record PmemRegion(long start, long size) {
  /** virtio-pmem regions are 2 MiB aligned in address and size. */
  public static final long ALIGNMENT = 2L << 20;

  public PmemRegion {
    if (start <= 0 || start % ALIGNMENT != 0) {
      throw new IllegalArgumentException(
          "pmem start: 0x" + Long.toHexString(start) + " (expected: a positive multiple of 2 MiB)");
    }
    if (size <= 0 || size % ALIGNMENT != 0 || start + size < start) {
      throw new IllegalArgumentException(
          "pmem size: " + size + " (expected: a positive multiple of 2 MiB)");
    }
  }

  /** The size of the region for a file of {@code fileLength} bytes (the file's, 2 MiB aligned). */
  public static long sizeFor(long fileLength) {
    if (fileLength <= 0) {
      throw new IllegalArgumentException("file length: " + fileLength + " (expected: > 0)");
    }
    return Math.ceilDiv(fileLength, ALIGNMENT) * ALIGNMENT;
  }

  /** One past the last address. */
  public long end() {
    return start + size;
  }

  /** The configuration space: start then size, little-endian. */
  byte[] configSpace() {
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (start >>> (8 * i));
      bytes[8 + i] = (byte) (size >>> (8 * i));
    }
    return bytes;
  }
}
