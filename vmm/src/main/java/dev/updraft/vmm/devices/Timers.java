package dev.updraft.vmm.devices;

import java.time.Duration;

/**
 * One-shot timers and the clock of the event loop that drives the devices. Rate-limited devices use
 * it to resume work when a token bucket has refilled (Firecracker arms a timerfd for this); tests
 * use a fake whose clock only moves when told and whose timers fire on demand, which makes
 * throttling deterministic.
 *
 * <p>{@link #schedule} may be called from any thread (a vCPU that writes QueueNotify runs device
 * code on its own thread), but every task must run on the event-loop thread. A task that runs late
 * or for a reason that has passed is harmless: devices re-check their state when woken.
 */
public interface Timers {
  /** Runs {@code task} once, on the event-loop thread, after at least {@code delay}. */
  void schedule(Duration delay, Runnable task);

  /** A monotonic clock in nanoseconds, the one {@link #schedule} counts delays in. */
  default long nanoTime() {
    return System.nanoTime();
  }
}
