package dev.updraft.vmm.virtio.mem;

import dev.updraft.vmm.memory.GuestMemory;

/**
 * A driver request ({@code struct virtio_mem_req}, 24 bytes): a 16-bit type, 6 bytes of padding,
 * then for PLUG, UNPLUG and STATE a 64-bit guest address and a 16-bit block count.
 */
sealed interface MemRequest {
  /** The size of {@code virtio_mem_req}. */
  int SIZE = 24;

  int PLUG = 0;
  int UNPLUG = 1;
  int UNPLUG_ALL = 2;
  int STATE = 3;

  /** A range of {@code blocks} blocks from guest address {@code address}. */
  record Range(long address, int blocks) {}

  record Plug(Range range) implements MemRequest {}

  record Unplug(Range range) implements MemRequest {}

  record UnplugAll() implements MemRequest {}

  record State(Range range) implements MemRequest {}

  record Unsupported(int type) implements MemRequest {}

  /** The request at {@code address}, which holds at least {@link #SIZE} readable bytes. */
  static MemRequest read(GuestMemory memory, long address) {
    int type = Short.toUnsignedInt(memory.readShort(address));
    if (type == UNPLUG_ALL) {
      return new UnplugAll();
    }
    if (type != PLUG && type != UNPLUG && type != STATE) {
      return new Unsupported(type);
    }
    Range range =
        new Range(
            memory.readLong(address + 8), Short.toUnsignedInt(memory.readShort(address + 16)));
    return switch (type) {
      case PLUG -> new Plug(range);
      case UNPLUG -> new Unplug(range);
      default -> new State(range);
    };
  }
}
