package dev.updraft.vmm.virtio.mem;

import dev.updraft.vmm.memory.GuestMemory;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.state.Persistent;
import dev.updraft.vmm.virtio.Descriptor;
import dev.updraft.vmm.virtio.DescriptorChain;
import dev.updraft.vmm.virtio.DeviceType;
import dev.updraft.vmm.virtio.QueueEntry;
import dev.updraft.vmm.virtio.VirtQueue;
import dev.updraft.vmm.virtio.VirtioDevice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.Objects;

/**
 * virtio-mem (device id 24), Firecracker's memory hot-plug device: a region of guest physical
 * memory past RAM, cut into blocks the driver plugs and unplugs on its one queue to reach the size
 * the host requests ({@code PATCH /hotplug/memory}). KVM sees the region slot by slot: a slot is
 * registered while any of its blocks is plugged, so a guest cannot touch memory it has not been
 * given beyond the slot it plugged into; unplugged blocks are given back to the host.
 *
 * <p>Like Firecracker the device offers and requires {@code VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE}
 * (the driver must not read unplugged memory), grows the usable region to whole slots when the
 * requested size needs it, and shrinks it only on UNPLUG_ALL.
 */
public final class VirtioMem extends VirtioDevice implements Persistent<VirtioMemState> {
  /** The driver must not touch unplugged memory (virtio 1.2, 5.15.3). */
  public static final long F_UNPLUGGED_INACCESSIBLE = 1L << 1;

  /** {@code struct virtio_mem_config}: 56 bytes. */
  static final int CONFIG_SIZE = 56;

  /** {@code struct virtio_mem_resp}: a 16-bit type, 6 bytes of padding, a 16-bit state. */
  static final int RESPONSE_SIZE = 10;

  static final int RESP_ACK = 0;
  static final int RESP_ERROR = 3;

  private static final String[] COUNTERS = {
    "queue_event_count",
    "plug_count",
    "plug_bytes",
    "plug_fails",
    "unplug_count",
    "unplug_bytes",
    "unplug_fails",
    "unplug_discard_fails",
    "unplug_all_count",
    "unplug_all_fails",
    "state_count",
    "state_fails",
    "cfg_fails"
  };

  private final HotplugRegion region;
  private final long address;
  private final long regionSize;
  private final long blockSize;
  private final long slotSize;
  private final BitSet plugged = new BitSet();
  private final BitSet slots = new BitSet(); // the slots KVM sees
  private long usableRegionSize;
  private long requestedSize;
  private long pluggedSize;

  /**
   * @param address guest physical address of the region
   * @param regionSize its size, whole slots
   * @param blockSize the plug unit, a power of two
   * @param slotSize the KVM slot size, whole blocks
   * @param region what makes slots visible to the guest and discards unplugged blocks
   */
  public VirtioMem(
      long address,
      long regionSize,
      long blockSize,
      long slotSize,
      HotplugRegion region,
      Counters counters) {
    super(DeviceType.MEM, 1, F_UNPLUGGED_INACCESSIBLE, counters, "queue_event_fails", COUNTERS);
    // The state record checks the geometry the same way for a new device and a restored one.
    new VirtioMemState(address, regionSize, blockSize, slotSize, 0, 0, new BitSet());
    this.address = address;
    this.regionSize = regionSize;
    this.blockSize = blockSize;
    this.slotSize = slotSize;
    this.region = Objects.requireNonNull(region, "region");
  }

  public long address() {
    return address;
  }

  public MemoryHotplugStatus status() {
    return withLock(
        () ->
            new MemoryHotplugStatus(
                blockSize >> 20,
                regionSize >> 20,
                slotSize >> 20,
                pluggedSize >> 20,
                requestedSize >> 20));
  }

  /**
   * {@code PATCH /hotplug/memory}: asks the driver to have {@code requestedMib} plugged, and
   * interrupts it to say so. The usable region grows to whole slots when it is too small.
   *
   * @throws VirtioMemException before the driver activated the device, or for a size that is not
   *     whole blocks or more than the region
   */
  public void updateRequestedSize(long requestedMib) {
    locked(
        () -> {
          if (!isActive()) {
            throw new VirtioMemException(
                "the virtio-mem device is not active (expected: the guest's driver to have"
                    + " started it)");
          }
          long requested = requestedMib << 20;
          if (requestedMib < 0 || requested % blockSize != 0 || requested > regionSize) {
            throw new VirtioMemException(
                "requested_size_mib: "
                    + requestedMib
                    + " (expected: a multiple of block_size_mib ("
                    + (blockSize >> 20)
                    + " MiB) of at most total_size_mib ("
                    + (regionSize >> 20)
                    + " MiB))");
          }
          if (usableRegionSize < requested) {
            usableRegionSize = Math.min(regionSize, roundUp(requested, slotSize));
          }
          requestedSize = requested;
          configChanged();
        });
  }

  @Override
  public VirtioMemState save() {
    return withLock(
        () ->
            new VirtioMemState(
                address,
                regionSize,
                blockSize,
                slotSize,
                usableRegionSize,
                requestedSize,
                plugged));
  }

  /** Takes the saved sizes and blocks, and gives the guest the slots its plugged blocks are in. */
  @Override
  public void restore(VirtioMemState state) {
    if (state.address() != address
        || state.regionSize() != regionSize
        || state.blockSize() != blockSize
        || state.slotSize() != slotSize) {
      throw new IllegalArgumentException(
          "virtio-mem state: region 0x"
              + Long.toHexString(state.address())
              + " of "
              + state.regionSize()
              + " bytes (expected: the device's, 0x"
              + Long.toHexString(address)
              + " of "
              + regionSize
              + ")");
    }
    locked(
        () -> {
          usableRegionSize = state.usableRegionSize();
          requestedSize = state.requestedSize();
          plugged.clear();
          plugged.or(state.plugged());
          pluggedSize = plugged.cardinality() * blockSize;
          updateSlots(0, blockCount());
        });
  }

  @Override
  protected byte[] configSpace() {
    ByteBuffer config = ByteBuffer.allocate(CONFIG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    config.putLong(0, blockSize); // node_id and padding stay zero
    config.putLong(16, address);
    config.putLong(24, regionSize);
    config.putLong(32, usableRegionSize);
    config.putLong(40, pluggedSize);
    config.putLong(48, requestedSize);
    return config.array();
  }

  @Override
  protected void onActivate() {
    if (!acked(F_UNPLUGGED_INACCESSIBLE)) {
      throw new IllegalStateException(
          "VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE not acknowledged by the driver");
    }
  }

  // The spec (5.15.5.2): a reset must not change which blocks are plugged nor their memory.
  @Override
  protected void onReset() {}

  @Override
  protected void onQueueNotify(int index) {
    counters().increment("queue_event_count");
    drain(queue(0), this::serve);
  }

  private boolean serve(VirtQueue queue) {
    QueueEntry entry = queue.pop();
    if (!(entry instanceof DescriptorChain chain) || !wellFormed(chain)) {
      // Firecracker stops at a malformed chain; it is handed back unanswered, and counted.
      counters().increment("queue_event_fails");
      queue.addUsed(entry.head(), 0);
      return true;
    }
    GuestMemory memory = memory();
    MemRequest request = MemRequest.read(memory, chain.descriptors().get(0).address());
    int state = -1;
    boolean ok =
        switch (request) {
          case MemRequest.Plug p -> plug(p.range());
          case MemRequest.Unplug u -> unplug(u.range());
          case MemRequest.UnplugAll a -> unplugAll();
          case MemRequest.State s -> {
            counters().increment("state_count");
            if (!valid(s.range())) {
              counters().increment("state_fails");
              yield false;
            }
            state = rangeState(s.range()).wire();
            yield true;
          }
          case MemRequest.Unsupported u -> {
            counters().increment("queue_event_fails");
            yield false;
          }
        };
    long response = chain.descriptors().get(1).address();
    memory.writeShort(response, (short) (ok ? RESP_ACK : RESP_ERROR));
    memory.writeShort(response + 2, (short) 0);
    memory.writeInt(response + 4, 0);
    memory.writeShort(response + 8, (short) Math.max(state, 0));
    queue.addUsed(chain.head(), RESPONSE_SIZE);
    return true;
  }

  /** A readable request then a writable response, each big enough. */
  private static boolean wellFormed(DescriptorChain chain) {
    if (chain.descriptors().size() < 2) {
      return false;
    }
    Descriptor request = chain.descriptors().get(0);
    Descriptor response = chain.descriptors().get(1);
    return !request.writable()
        && request.length() >= MemRequest.SIZE
        && response.writable()
        && response.length() >= RESPONSE_SIZE;
  }

  private boolean plug(MemRequest.Range range) {
    counters().increment("plug_count");
    if (!valid(range)
        || pluggedSize + range.blocks() * blockSize > requestedSize
        || rangeState(range) != BlockState.UNPLUGGED) {
      counters().increment("plug_fails");
      return false;
    }
    setRange(firstBlock(range), range.blocks(), true);
    counters().add("plug_bytes", range.blocks() * blockSize);
    return true;
  }

  private boolean unplug(MemRequest.Range range) {
    counters().increment("unplug_count");
    if (!valid(range) || rangeState(range) != BlockState.PLUGGED) {
      counters().increment("unplug_fails");
      return false;
    }
    setRange(firstBlock(range), range.blocks(), false);
    counters().add("unplug_bytes", range.blocks() * blockSize);
    return true;
  }

  private boolean unplugAll() {
    counters().increment("unplug_all_count");
    setRange(0, blockCount(), false);
    usableRegionSize = 0;
    return true;
  }

  /** Block aligned, at least one block, inside the usable region (Firecracker's validate_range). */
  private boolean valid(MemRequest.Range range) {
    long start = range.address() - address;
    return range.address() % blockSize == 0
        && range.blocks() > 0
        && range.address() >= address
        && start < usableRegionSize
        && range.blocks() * blockSize <= usableRegionSize - start;
  }

  private BlockState rangeState(MemRequest.Range range) {
    int first = firstBlock(range);
    int count = plugged.get(first, first + range.blocks()).cardinality();
    return count == range.blocks()
        ? BlockState.PLUGGED
        : count == 0 ? BlockState.UNPLUGGED : BlockState.MIXED;
  }

  /**
   * Plugs or unplugs blocks: KVM's slots change before an unplugged block is discarded, so the
   * guest cannot fault the discarded pages back in.
   */
  private void setRange(int first, int count, boolean plug) {
    int before = plugged.get(first, first + count).cardinality();
    plugged.set(first, first + count, plug);
    pluggedSize += ((plug ? count : 0) - before) * blockSize;
    updateSlots(first, count);
    if (!plug) {
      try {
        region.discard(first * blockSize, count * blockSize);
      } catch (RuntimeException e) {
        // As in Firecracker: the blocks are unplugged all the same, the host just keeps the pages.
        counters().increment("unplug_discard_fails");
      }
    }
  }

  /** Each slot the blocks touch is seen by KVM if and only if it has a plugged block. */
  private void updateSlots(int first, int count) {
    int blocksPerSlot = (int) (slotSize / blockSize);
    int lastSlot = (first + count - 1) / blocksPerSlot;
    for (int slot = first / blocksPerSlot; count > 0 && slot <= lastSlot; slot++) {
      int from = slot * blocksPerSlot;
      int next = plugged.nextSetBit(from);
      boolean want = next >= 0 && next < from + blocksPerSlot;
      if (want != slots.get(slot)) {
        region.slotPlugged(slot, want);
        slots.set(slot, want);
      }
    }
  }

  private int firstBlock(MemRequest.Range range) {
    return (int) ((range.address() - address) / blockSize);
  }

  private int blockCount() {
    return (int) (regionSize / blockSize);
  }

  private static long roundUp(long value, long multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }
}
