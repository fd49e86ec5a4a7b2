package dev.updraft.vmm.virtio.balloon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;

/**
 * A stats buffer from the guest, which is untrusted: packed 10-byte entries, a little-endian u16
 * tag then a u64 value (struct virtio_balloon_stat). Unknown tags and a trailing partial entry are
 * counted and skipped, the known ones kept; any byte string parses.
 *
 * @param values the statistics the frame carried; a tag given twice keeps its last value
 * @param skipped entries that were not understood (unknown tag, or a partial entry at the end)
 */
public record StatsFrame(Map<StatTag, Long> values, int skipped) {
  /** The size of one entry. */
  public static final int ENTRY_BYTES = 10;

  public StatsFrame {
    EnumMap<StatTag, Long> copy = new EnumMap<>(StatTag.class);
    copy.putAll(values);
    values = java.util.Collections.unmodifiableMap(copy);
    if (skipped < 0) {
      throw new IllegalArgumentException("skipped: " + skipped + " (expected: >= 0)");
    }
  }

  public static StatsFrame parse(byte[] frame) {
    ByteBuffer in = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
    Map<StatTag, Long> values = new EnumMap<>(StatTag.class);
    int skipped = 0;
    while (in.remaining() >= ENTRY_BYTES) {
      StatTag tag = StatTag.of(Short.toUnsignedInt(in.getShort()));
      long value = in.getLong();
      if (tag == null) {
        skipped++;
      } else {
        values.put(tag, value);
      }
    }
    if (in.hasRemaining()) {
      skipped++;
    }
    return new StatsFrame(values, skipped);
  }
}
