package dev.updraft.deploy.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One line an instance wrote, with the time it was collected (stored with it, never guessed when
 * read).
 *
 * @param time when the line was written (to within the collector's poll)
 * @param instance the instance that wrote it
 * @param text the line without its newline
 */
public record LogLine(Instant time, String instance, String text) {
  /** Fixed width, so stamped files sort and cut by column: {@code 2026-12-07T11:48:05.123456Z}. */
  static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  static final int STAMP_LENGTH = 27;

  public LogLine {
    if (time == null) {
      throw new IllegalArgumentException("time: null (expected: an instant)");
    }
    if (instance == null || instance.isBlank()) {
      throw new IllegalArgumentException("instance: '" + instance + "' (expected: an id)");
    }
    if (text == null || text.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("text: " + text + " (expected: one line)");
    }
  }

  /** The stamp a stored line starts with. */
  static String stamp(Instant time) {
    return STAMP.format(time);
  }

  /** A stored line's text without its stamp (a line with none as it is), for log tails. */
  public static String unstamped(String stored) {
    return parse("-", stored).map(LogLine::text).orElse(stored);
  }

  /**
   * A stored line read back, or empty if it carries no stamp (a log written before stamps; the
   * reader gives such a line the time of the line before it).
   */
  static Optional<LogLine> parse(String instance, String stored) {
    if (stored.length() <= STAMP_LENGTH || stored.charAt(STAMP_LENGTH) != ' ') {
      return Optional.empty();
    }
    try {
      Instant time = Instant.from(STAMP.parse(stored.substring(0, STAMP_LENGTH)));
      return Optional.of(new LogLine(time, instance, stored.substring(STAMP_LENGTH + 1)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
