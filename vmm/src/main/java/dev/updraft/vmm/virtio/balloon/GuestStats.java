package dev.updraft.vmm.virtio.balloon;

import java.util.EnumMap;
import java.util.Map;

/**
 * The statistics the guest last reported, each kept until the guest reports it again; a statistic
 * it never reported is absent (Firecracker leaves it out of the JSON).
 */
public record GuestStats(Map<StatTag, Long> values) {
  public static final GuestStats NONE = new GuestStats(Map.of());

  public GuestStats {
    values = values.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(copy(values));
  }

  /** These statistics with {@code update}'s values over them. */
  public GuestStats with(Map<StatTag, Long> update) {
    if (update.isEmpty()) {
      return this;
    }
    EnumMap<StatTag, Long> merged = copy(values);
    merged.putAll(update);
    return new GuestStats(merged);
  }

  private static EnumMap<StatTag, Long> copy(Map<StatTag, Long> values) {
    EnumMap<StatTag, Long> map = new EnumMap<>(StatTag.class);
    map.putAll(values);
    return map;
  }
}
