package dev.updraft.vmm.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * One group of Firecracker metrics, e.g. {@code block_rootfs} or {@code uart}: named counters that
 * vCPU and event-loop threads bump without locks. The metrics writer reads them as a JSON object
 * keyed by group name, and Firecracker's counters reset when they are flushed, hence {@link
 * #drain()}.
 */
public final class Counters {
  private final String group;
  private final Map<String, LongAdder> counters =
      Collections.synchronizedMap(new LinkedHashMap<>());

  public Counters(String group) {
    this.group = Objects.requireNonNull(group, "group");
  }

  /** The JSON key this group appears under. */
  public String group() {
    return group;
  }

  /** The counter called {@code name}, created at zero on first use. */
  public LongAdder counter(String name) {
    return counters.computeIfAbsent(name, n -> new LongAdder());
  }

  /** Adds one to {@code name}. */
  public void increment(String name) {
    counter(name).increment();
  }

  /** Adds {@code amount} to {@code name}. */
  public void add(String name, long amount) {
    counter(name).add(amount);
  }

  /** The current values without resetting them, in the order the counters were created. */
  public Map<String, Long> snapshot() {
    Map<String, Long> values = new LinkedHashMap<>();
    synchronized (counters) {
      counters.forEach((name, adder) -> values.put(name, adder.sum()));
    }
    return values;
  }

  /** The values since the last drain, resetting each counter (Firecracker's per-flush deltas). */
  public Map<String, Long> drain() {
    Map<String, Long> values = new LinkedHashMap<>();
    synchronized (counters) {
      counters.forEach((name, adder) -> values.put(name, adder.sumThenReset()));
    }
    return values;
  }
}
