package dev.updraft.vmm.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the time of one operation went (a snapshot load, a VM's creation or deletion), phase by
 * phase, for one log line: {@code read_state 180 us, spare_vm 4 us, ..., total 2100 us}. A restore
 * into a warm process is a few milliseconds made of a dozen steps, each of which may wait for the
 * kernel or for a thread to be scheduled; this tells which one a slow restore waited for without a
 * profiler, and the benchmark reads it from the log to print per-phase percentiles.
 *
 * <p>{@link #mark} ends the phase that ran since the previous mark (or the start). Thread-safe: a
 * phase may end on another thread than the one that began the operation.
 */
public final class PhaseLog {
  private final long startNanos;
  private final List<String> names = new ArrayList<>();
  private final List<Long> ends = new ArrayList<>();

  private PhaseLog(long startNanos) {
    this.startNanos = startNanos;
  }

  /** Phases counted from {@code startNanos}, a {@link System#nanoTime()} value. */
  public static PhaseLog startingAt(long startNanos) {
    return new PhaseLog(startNanos);
  }

  /** Phases counted from now. */
  public static PhaseLog start() {
    return new PhaseLog(System.nanoTime());
  }

  /** Ends phase {@code name} now: its time is what passed since the previous mark. */
  public void mark(String name) {
    mark(name, System.nanoTime());
  }

  /** Ends phase {@code name} at {@code nanos} ({@link System#nanoTime()}). */
  public synchronized void mark(String name, long nanos) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.contains(" ") || name.contains(",")) {
      throw new IllegalArgumentException(
          "phase name: \"" + name + "\" (expected: a word without spaces or commas)");
    }
    names.add(name);
    ends.add(nanos);
  }

  /** When the operation began, as {@link System#nanoTime()}. */
  public long startNanos() {
    return startNanos;
  }

  /** Microseconds from the start to the last mark. */
  public synchronized long totalMicros() {
    return ends.isEmpty() ? 0 : (ends.getLast() - startNanos) / 1_000;
  }

  /** {@code name N us, ..., total N us}, in the order the phases were marked. */
  @Override
  public synchronized String toString() {
    StringBuilder line = new StringBuilder();
    long previous = startNanos;
    for (int i = 0; i < names.size(); i++) {
      long end = ends.get(i);
      line.append(names.get(i)).append(' ').append((end - previous) / 1_000).append(" us, ");
      previous = end;
    }
    return line.append("total ").append(totalMicros()).append(" us").toString();
  }
}
