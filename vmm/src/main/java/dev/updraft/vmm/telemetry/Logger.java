package dev.updraft.vmm.telemetry;

import dev.updraft.vmm.config.LogLevel;
import dev.updraft.vmm.config.LoggerConfig;
import dev.updraft.vmm.metrics.Counters;
import dev.updraft.vmm.runtime.VmLogger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.Objects;

/**
 * The VMM's logger (Firecracker's {@code LOGGER}): writes {@link LogLine}s at or above the
 * configured level to stdout until a log path is configured, then to that file or FIFO. Safe to
 * call from any thread; a line the destination cannot take is counted in {@code
 * logger.missed_log_count}.
 */
public final class Logger implements VmLogger {
  /** Firecracker's default level (matching its swagger). */
  public static final LogLevel DEFAULT_LEVEL = LogLevel.INFO;

  private static final StackWalker WALKER = StackWalker.getInstance();

  private record Settings(
      LineSink sink,
      Path logPath,
      LogLevel level,
      boolean showLevel,
      boolean showLogOrigin,
      String module) {}

  private final String instanceId;
  private final Counters loggerMetrics;
  private final Clock clock;
  // Replaced whole on reconfiguration, so a line is formatted against one consistent setting.
  private volatile Settings settings;

  /**
   * @param instanceId the {@code --id}, shown on every line
   * @param defaultSink where lines go until a log path is configured (stdout in the VMM)
   * @param loggerMetrics the {@code logger} metrics group, for {@code missed_log_count}
   */
  // Firecracker's log lines carry the host's local time.
  @SuppressWarnings("JavaTimeDefaultTimeZone")
  public Logger(String instanceId, LineSink defaultSink, Counters loggerMetrics) {
    this(instanceId, defaultSink, loggerMetrics, Clock.systemDefaultZone());
  }

  Logger(String instanceId, LineSink defaultSink, Counters loggerMetrics, Clock clock) {
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    this.loggerMetrics = Objects.requireNonNull(loggerMetrics, "loggerMetrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings =
        new Settings(
            Objects.requireNonNull(defaultSink, "defaultSink"),
            null,
            DEFAULT_LEVEL,
            false,
            false,
            null);
  }

  /**
   * Applies the non-null parts of {@code config}. A new log path is opened before the old one is
   * closed, so a failure leaves the logger as it was.
   *
   * @throws dev.updraft.vmm.config.ConfigException if the log path cannot be opened
   */
  public synchronized void apply(LoggerConfig config) {
    Settings old = settings;
    LineSink sink = old.sink();
    Path logPath = old.logPath();
    if (config.logPath() != null) {
      sink = FileSink.open("log_path", config.logPath());
      logPath = config.logPath();
    }
    settings =
        new Settings(
            sink,
            logPath,
            config.level() != null ? config.level() : old.level(),
            config.showLevel() != null ? config.showLevel() : old.showLevel(),
            config.showLogOrigin() != null ? config.showLogOrigin() : old.showLogOrigin(),
            config.module() != null ? config.module() : old.module());
    if (sink != old.sink() && old.sink() instanceof FileSink previous) {
      previous.close();
    }
  }

  /** The effective configuration, for {@code GET /vm/config}. */
  public LoggerConfig config() {
    Settings s = settings;
    return new LoggerConfig(s.logPath(), s.level(), s.showLevel(), s.showLogOrigin(), s.module());
  }

  /** Whether a message of {@code level} would be written (to skip building costly messages). */
  public boolean enabled(LogLevel level) {
    return settings.level().enables(level);
  }

  /** Writes {@code message} at {@code level} if the configured level and module allow it. */
  public void log(LogLevel level, String message) {
    Settings s = settings;
    if (!s.level().enables(level)) {
      return;
    }
    StackWalker.StackFrame caller = null;
    if (s.showLogOrigin() || s.module() != null) {
      caller = caller();
      if (s.module() != null && (caller == null || !caller.getClassName().startsWith(s.module()))) {
        return;
      }
    }
    String line =
        LogLine.format(
            LocalDateTime.now(clock),
            instanceId,
            Thread.currentThread().getName(),
            s.showLevel() ? level.label() : null,
            s.showLogOrigin() ? origin(caller) : null,
            String.valueOf(message));
    if (!s.sink().write(line.getBytes(StandardCharsets.UTF_8))) {
      loggerMetrics.increment("missed_log_count");
    }
  }

  @Override
  public void error(String message) {
    log(LogLevel.ERROR, message);
  }

  @Override
  public void warn(String message) {
    log(LogLevel.WARNING, message);
  }

  @Override
  public void info(String message) {
    log(LogLevel.INFO, message);
  }

  @Override
  public void debug(String message) {
    log(LogLevel.DEBUG, message);
  }

  public void trace(String message) {
    log(LogLevel.TRACE, message);
  }

  /** Closes a configured log file or FIFO; later lines are dropped. */
  public synchronized void close() {
    settings.sink().close();
  }

  private static StackWalker.StackFrame caller() {
    return WALKER.walk(
        frames ->
            frames
                .filter(f -> !f.getClassName().equals(Logger.class.getName()))
                .findFirst()
                .orElse(null));
  }

  /** {@code dev/updraft/vmm/api/Vmm.java:42}, like Firecracker's {@code src/vmm/src/lib.rs:42}. */
  private static String origin(StackWalker.StackFrame frame) {
    if (frame == null) {
      return "?:?";
    }
    String className = frame.getClassName();
    int dot = className.lastIndexOf('.');
    String dir = dot < 0 ? "" : className.substring(0, dot + 1).replace('.', '/');
    String file = frame.getFileName() != null ? frame.getFileName() : "?";
    int line = frame.getLineNumber();
    return dir + file + ":" + (line > 0 ? Integer.toString(line) : "?");
  }
}
