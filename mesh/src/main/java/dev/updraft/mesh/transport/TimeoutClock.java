package dev.updraft.mesh.transport;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A clock that runs from when its condition begins to hold until it stops holding, and acts when it
 * has run its whole length. Its timer is armed once and never cancelled on the way: when it fires
 * early it re-arms itself for the clock's new end, or lapses if the clock stopped. A keep-alive
 * connection then costs no timer work per request, where arming and cancelling a timer per request
 * (each a task in the event loop's priority queue) did. Used on its event loop only.
 */
public final class TimeoutClock implements Runnable {
  private final EventExecutor executor;
  private final Runnable expired;
  private ScheduledFuture<?> timer;
  private long length;
  private long since = -1; // when the clock started, or -1 while it is stopped

  public TimeoutClock(EventExecutor executor, Runnable expired) {
    this.executor = executor;
    this.expired = expired;
  }

  /** Starts the clock for {@code length} if {@code running} and it is stopped; stops it if not. */
  public void run(boolean running, Duration length) {
    if (!running) {
      since = -1;
    } else if (since < 0) {
      this.length = length.toNanos();
      since = now();
      if (timer == null) {
        arm(this.length);
      }
    }
  }

  @Override
  public void run() {
    timer = null;
    if (since < 0) {
      return;
    }
    long left = since + length - now();
    if (left > 0) {
      arm(left);
    } else {
      since = -1;
      expired.run();
    }
  }

  /** Stops the clock and its timer. */
  public void cancel() {
    since = -1;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void arm(long nanos) {
    timer = executor.schedule(this, nanos, TimeUnit.NANOSECONDS);
  }

  private long now() {
    return executor.ticker().nanoTime();
  }
}
