package dev.updraft.vmm.virtio;

import dev.updraft.vmm.state.Encodable;
import dev.updraft.vmm.state.StateReader;
import dev.updraft.vmm.state.StateWriter;

/**
 * One virtqueue as a snapshot keeps it: the registers the driver wrote and, once the device is
 * active, where the device is in the rings.
 *
 * @param size QueueNum
 * @param ready QueueReady
 * @param descTable QueueDesc
 * @param availRing QueueDriver
 * @param usedRing QueueDevice
 * @param nextAvail the next available-ring entry the device will pop (free-running, 16 bits)
 * @param nextUsed the next used-ring entry the device will fill (free-running, 16 bits)
 * @param unsignalled used entries added since the driver was last told
 */
public record QueueState(
    int size,
    boolean ready,
    long descTable,
    long availRing,
    long usedRing,
    int nextAvail,
    int nextUsed,
    int unsignalled)
    implements Encodable {
  public QueueState {
    requireU16("size", size);
    requireU16("next_avail", nextAvail);
    requireU16("next_used", nextUsed);
    if (unsignalled < 0) {
      throw new IllegalArgumentException("unsignalled: " + unsignalled + " (expected: >= 0)");
    }
  }

  private static void requireU16(String field, int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: 0..65535)");
    }
  }

  @Override
  public void write(StateWriter out) {
    out.writeShort(size)
        .writeBool(ready)
        .writeLong(descTable)
        .writeLong(availRing)
        .writeLong(usedRing)
        .writeShort(nextAvail)
        .writeShort(nextUsed)
        .writeInt(unsignalled);
  }

  public static QueueState read(StateReader in) {
    return new QueueState(
        in.readShort(),
        in.readBool(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readShort(),
        in.readShort(),
        in.readInt());
  }
}
