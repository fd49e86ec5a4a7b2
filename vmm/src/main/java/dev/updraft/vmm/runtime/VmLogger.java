package dev.updraft.vmm.runtime;

/**
 * The VMM's log, as Firecracker's: one line per call on the configured log path (stdout by
 * default), filtered by the configured level. Calls never block and never throw, so vCPU and device
 * threads may log freely; a line the destination cannot take is dropped and counted in the {@code
 * logger.missed_log_count} metric.
 */
public interface VmLogger {
  void error(String message);

  void warn(String message);

  void info(String message);

  void debug(String message);
}
