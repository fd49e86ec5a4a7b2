package dev.updraft.vmm.ratelimit;

import dev.updraft.vmm.devices.Timers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Timers for tests: the clock moves only when told, and scheduled tasks run only when a test calls
 * {@link #runDue()}, so throttling is deterministic.
 */
public final class FakeTimers implements Timers {
  private record Task(long due, Runnable task) {}

  private final List<Task> tasks = new ArrayList<>();
  private long now = 1_000_000_000L;

  @Override
  public void schedule(Duration delay, Runnable task) {
    tasks.add(new Task(now + delay.toNanos(), task));
  }

  @Override
  public long nanoTime() {
    return now;
  }

  public void advance(Duration duration) {
    now += duration.toNanos();
  }

  /** Tasks scheduled and not yet run. */
  public int pending() {
    return tasks.size();
  }

  /** The delay until the earliest pending task is due (negative if overdue). */
  public Duration nextDue() {
    long due = tasks.stream().mapToLong(Task::due).min().orElseThrow();
    return Duration.ofNanos(due - now);
  }

  /** Runs every task whose time has come, in order of due time; returns how many ran. */
  public int runDue() {
    List<Task> due =
        tasks.stream()
            .filter(t -> t.due() <= now)
            .sorted((a, b) -> Long.compare(a.due, b.due))
            .toList();
    tasks.removeAll(due);
    due.forEach(t -> t.task().run());
    return due.size();
  }
}
