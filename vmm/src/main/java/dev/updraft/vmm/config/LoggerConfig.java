package dev.updraft.vmm.config;

import java.nio.file.Path;

/**
 * {@code /logger} and the {@code --log-path}, {@code --level}, {@code --show-level}, {@code
 * --show-log-origin} and {@code --module} flags. Like Firecracker's, each null field leaves the
 * logger's current setting alone, so the flags and a later request combine.
 *
 * @param logPath a file or FIFO for the log lines (stdout until one is set)
 * @param level the most verbose level written (Info by default)
 * @param showLevel whether lines carry the level (false by default)
 * @param showLogOrigin whether lines carry the source file and line (false by default)
 * @param module only messages from classes whose name starts with this are written
 */
public record LoggerConfig(
    Path logPath, LogLevel level, Boolean showLevel, Boolean showLogOrigin, String module) {
  /** Changes nothing. */
  public static final LoggerConfig UNCHANGED = new LoggerConfig(null, null, null, null, null);
}
