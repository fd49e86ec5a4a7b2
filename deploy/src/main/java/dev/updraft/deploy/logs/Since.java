package dev.updraft.deploy.logs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --since} of a log query, as {@code docker logs} and {@code kubectl logs} take it: a
 * duration back from now ({@code 10m}, {@code 1h30m}, {@code 45s}, {@code 2d}) or a time ({@code
 * 2026-12-07T10:00:00Z}, with an offset, or local to this machine's zone without one).
 */
public final class Since {
  public static final String EXPECTED =
      "a duration such as 45s, 10m, 1h30m or 2d, or a time such as 2026-12-07T10:00:00Z";

  private static final Pattern DURATION =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  private Since() {}

  /**
   * The instant {@code text} names.
   *
   * @throws IllegalArgumentException naming {@code --since}, the text and what was expected
   */
  public static Instant parse(String text, Instant now, ZoneId zone) {
    String t = text == null ? "" : text.strip();
    Matcher m = DURATION.matcher(t);
    if (!t.isEmpty() && m.matches()) {
      Duration back =
          Duration.ofDays(part(m, 1))
              .plusHours(part(m, 2))
              .plusMinutes(part(m, 3))
              .plusSeconds(part(m, 4));
      return now.minus(back);
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // an offset other than Z, or none
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // no offset: this machine's time
    }
    try {
      return LocalDateTime.parse(t).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--since: " + text + " (expected: " + EXPECTED + ")", e);
    }
  }

  private static long part(Matcher m, int group) {
    return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
  }
}
