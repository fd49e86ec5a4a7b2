package dev.updraft.vmm.seccomp;

import java.util.EnumMap;
import java.util.Map;

/** A filter for each thread kind: what one Firecracker filter document describes. */
public record FilterSet(Map<ThreadKind, ThreadFilter> filters) {
  public FilterSet {
    EnumMap<ThreadKind, ThreadFilter> copy = new EnumMap<>(ThreadKind.class);
    copy.putAll(filters);
    for (ThreadKind kind : ThreadKind.values()) {
      if (!copy.containsKey(kind)) {
        throw new SeccompException(
            "filter \"" + kind.key() + "\": missing (expected: filters for vmm, api and vcpu)");
      }
    }
    filters = Map.copyOf(copy);
  }

  public ThreadFilter filter(ThreadKind kind) {
    return filters.get(kind);
  }
}
