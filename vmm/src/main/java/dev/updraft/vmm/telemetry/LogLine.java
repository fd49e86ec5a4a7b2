package dev.updraft.vmm.telemetry;

import java.time.LocalDateTime;

/**
 * Firecracker's log line: {@code <timestamp> [<id>:<thread>[:<LEVEL>][:<file>:<line>]] <message>},
 * the timestamp in local time with nanoseconds and no zone, as Firecracker writes it ({@code
 * 2018-11-07T05:34:25.180751152}), so tools that parse Firecracker logs parse these.
 */
final class LogLine {
  private LogLine() {}

  /**
   * Formats one line, newline included. Line breaks and other control characters in the message are
   * escaped so that one call is always one line (a message may quote guest or client input).
   *
   * @param levelLabel the level as shown with {@code show_level}, or null
   * @param origin {@code file:line} as shown with {@code show_log_origin}, or null
   */
  static String format(
      LocalDateTime time,
      String instanceId,
      String thread,
      String levelLabel,
      String origin,
      String message) {
    StringBuilder line = new StringBuilder(64 + message.length());
    timestamp(line, time);
    line.append(" [").append(instanceId).append(':').append(thread);
    if (levelLabel != null) {
      line.append(':').append(levelLabel);
    }
    if (origin != null) {
      line.append(':').append(origin);
    }
    line.append("] ");
    escape(line, message);
    return line.append('\n').toString();
  }

  static void timestamp(StringBuilder out, LocalDateTime time) {
    pad(out, time.getYear(), 4).append('-');
    pad(out, time.getMonthValue(), 2).append('-');
    pad(out, time.getDayOfMonth(), 2).append('T');
    pad(out, time.getHour(), 2).append(':');
    pad(out, time.getMinute(), 2).append(':');
    pad(out, time.getSecond(), 2).append('.');
    pad(out, time.getNano(), 9);
  }

  private static StringBuilder pad(StringBuilder out, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(digits);
  }

  private static void escape(StringBuilder out, String message) {
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append('\t');
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
