package dev.updraft.vmm.virtio.mem;

import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;
import java.util.BitSet;

/**
 * The virtio-mem device as a snapshot keeps it (Firecracker's {@code VirtioMemState}): its region,
 * which carries the configuration, the sizes the host and the driver moved, and which blocks are
 * plugged. The plugged size is not kept: it follows from the blocks.
 *
 * @param address guest physical address of the region
 * @param regionSize bytes of the region ({@code total_size_mib})
 * @param blockSize bytes of a block
 * @param slotSize bytes of a KVM memory slot
 * @param usableRegionSize bytes from the start the driver may plug in
 * @param requestedSize bytes the host asks the driver to have plugged
 * @param plugged one bit per block, set if plugged
 */
public record VirtioMemState(
    long address,
    long regionSize,
    long blockSize,
    long slotSize,
    long usableRegionSize,
    long requestedSize,
    BitSet plugged)
    implements Encodable {
  public VirtioMemState {
    if (blockSize <= 0 || Long.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException("blockSize: " + blockSize + " (expected: a power of 2)");
    }
    if (slotSize <= 0 || slotSize % blockSize != 0) {
      throw new IllegalArgumentException(
          "slotSize: " + slotSize + " (expected: a positive multiple of " + blockSize + ")");
    }
    if (regionSize <= 0
        || regionSize % slotSize != 0
        || regionSize / blockSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "regionSize: " + regionSize + " (expected: a positive multiple of " + slotSize + ")");
    }
    if (address < 0 || address % blockSize != 0 || address + regionSize < address) {
      throw new IllegalArgumentException(
          "address: 0x" + Long.toHexString(address) + " (expected: block aligned, no wrap)");
    }
    if (usableRegionSize < 0 || usableRegionSize > regionSize) {
      throw new IllegalArgumentException(
          "usableRegionSize: " + usableRegionSize + " (expected: 0 to " + regionSize + ")");
    }
    if (requestedSize < 0 || requestedSize > regionSize || requestedSize % blockSize != 0) {
      throw new IllegalArgumentException(
          "requestedSize: " + requestedSize + " (expected: whole blocks up to " + regionSize + ")");
    }
    plugged = (BitSet) plugged.clone();
    if (plugged.length() > regionSize / blockSize) {
      throw new IllegalArgumentException(
          "plugged: block "
              + (plugged.length() - 1)
              + " (expected: fewer than "
              + regionSize / blockSize
              + " blocks)");
    }
  }

  @Override
  public BitSet plugged() {
    return (BitSet) plugged.clone();
  }

  @Override
  public void write(StateWriter out) {
    out.writeLong(address)
        .writeLong(regionSize)
        .writeLong(blockSize)
        .writeLong(slotSize)
        .writeLong(usableRegionSize)
        .writeLong(requestedSize);
    long[] words = plugged.toLongArray();
    out.writeInt(words.length);
    for (long word : words) {
      out.writeLong(word);
    }
  }

  public static VirtioMemState read(StateReader in) {
    long address = in.readLong();
    long regionSize = in.readLong();
    long blockSize = in.readLong();
    long slotSize = in.readLong();
    long usable = in.readLong();
    long requested = in.readLong();
    int count = in.readInt();
    // One bit per block: the sizes bound what a damaged file may make this allocate.
    long maxWords = blockSize > 0 && regionSize > 0 ? (regionSize / blockSize + 63) / 64 : 0;
    if (count < 0 || count > maxWords) {
      throw in.failure("plugged: " + count + " words (expected: 0 to " + maxWords + ")");
    }
    long[] words = new long[count];
    for (int i = 0; i < count; i++) {
      words[i] = in.readLong();
    }
    try {
      return new VirtioMemState(
          address, regionSize, blockSize, slotSize, usable, requested, BitSet.valueOf(words));
    } catch (IllegalArgumentException e) {
      throw in.failure(e.getMessage());
    }
  }
}
