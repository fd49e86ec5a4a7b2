package dev.updraft.vmm.config;

/**
 * {@code /hotplug/memory} and the config file's {@code memory-hotplug}: a virtio-mem device whose
 * region of {@code total_size_mib} the host lets the guest plug block by block (Firecracker's
 * {@code MemoryHotplugConfig}). Each rule is Firecracker's, in its order: a block is at least 2 MiB
 * and a power of two; a slot (the unit in which KVM sees or stops seeing the memory) is at least
 * 128 MiB and whole blocks; the region is at least one slot and whole slots.
 *
 * @param totalSizeMib size of the hot-pluggable region, MiB
 * @param blockSizeMib the guest plugs and unplugs in blocks of this many MiB
 * @param slotSizeMib size of each KVM memory slot of the region, MiB
 */
public record MemoryHotplugConfig(long totalSizeMib, long blockSizeMib, long slotSizeMib) {
  /** Firecracker's {@code VIRTIO_MEM_DEFAULT_BLOCK_SIZE_MIB}, also the smallest block. */
  public static final long DEFAULT_BLOCK_SIZE_MIB = 2;

  /** Firecracker's {@code VIRTIO_MEM_DEFAULT_SLOT_SIZE_MIB}, also the smallest slot. */
  public static final long DEFAULT_SLOT_SIZE_MIB = 128;

  /** The fields are u32 in Firecracker. */
  public static final long MAX_MIB = 0xFFFF_FFFFL;

  public MemoryHotplugConfig {
    inRange("total_size_mib", totalSizeMib);
    inRange("block_size_mib", blockSizeMib);
    inRange("slot_size_mib", slotSizeMib);
    if (blockSizeMib < DEFAULT_BLOCK_SIZE_MIB) {
      throw ConfigException.of(
          "block_size_mib", blockSizeMib, "at least " + DEFAULT_BLOCK_SIZE_MIB + " MiB");
    }
    if (Long.bitCount(blockSizeMib) != 1) {
      throw ConfigException.of("block_size_mib", blockSizeMib, "a power of 2");
    }
    if (slotSizeMib < DEFAULT_SLOT_SIZE_MIB) {
      throw ConfigException.of(
          "slot_size_mib", slotSizeMib, "at least " + DEFAULT_SLOT_SIZE_MIB + " MiB");
    }
    if (slotSizeMib % blockSizeMib != 0) {
      throw ConfigException.of(
          "slot_size_mib", slotSizeMib, "a multiple of block_size_mib (" + blockSizeMib + " MiB)");
    }
    if (totalSizeMib < slotSizeMib) {
      throw ConfigException.of(
          "total_size_mib", totalSizeMib, "at least slot_size_mib (" + slotSizeMib + " MiB)");
    }
    if (totalSizeMib % slotSizeMib != 0) {
      throw ConfigException.of(
          "total_size_mib", totalSizeMib, "a multiple of slot_size_mib (" + slotSizeMib + " MiB)");
    }
  }

  /** Firecracker's defaults for the block and slot sizes. */
  public static MemoryHotplugConfig ofTotal(long totalSizeMib) {
    return new MemoryHotplugConfig(totalSizeMib, DEFAULT_BLOCK_SIZE_MIB, DEFAULT_SLOT_SIZE_MIB);
  }

  public long totalBytes() {
    return totalSizeMib << 20;
  }

  public long blockBytes() {
    return blockSizeMib << 20;
  }

  public long slotBytes() {
    return slotSizeMib << 20;
  }

  private static void inRange(String field, long mib) {
    if (mib < 0 || mib > MAX_MIB) {
      throw ConfigException.of(field, mib, "an integer from 0 to " + MAX_MIB);
    }
  }
}
