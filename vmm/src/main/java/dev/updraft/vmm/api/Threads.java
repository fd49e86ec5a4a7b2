package dev.updraft.vmm.api;

import dev.updraft.vmm.telemetry.Logger;
import dev.updraft.vmm.telemetry.VmmMetrics;
import java.util.concurrent.ThreadFactory;

/** The VMM's own threads: named, daemon, and their uncaught exceptions logged and counted. */
final class Threads {
  private Threads() {}

  static ThreadFactory named(String name, VmmMetrics metrics, Logger logger) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      thread.setUncaughtExceptionHandler(
          (t, e) -> {
            metrics.recordPanic();
            logger.error("Uncaught exception on " + t.getName() + ": " + e);
          });
      return thread;
    };
  }
}
