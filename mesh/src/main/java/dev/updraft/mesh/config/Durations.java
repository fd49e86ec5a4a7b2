package dev.updraft.mesh.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as Linkerd writes them ({@code 300ms}, {@code 3s}, {@code 1m}, {@code 2h}). */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)(us|ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code text} for {@code field}; ISO-8601 ({@code PT3S}) is accepted too.
   *
   * @throws MeshConfigException naming the field and the value when the text is not a duration
   */
  public static Duration parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new MeshConfigException(field + ": empty (expected: a duration such as 300ms or 3s)");
    }
    String trimmed = text.trim();
    Matcher m = SIMPLE.matcher(trimmed);
    if (m.matches()) {
      long amount;
      try {
        amount = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw invalid(field, text);
      }
      return switch (m.group(2)) {
        case "us" -> Duration.ofNanos(amount * 1000);
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> throw invalid(field, text);
      };
    }
    try {
      return Duration.parse(trimmed);
    } catch (RuntimeException e) {
      throw invalid(field, text);
    }
  }

  /** Renders a duration the way {@link #parse} reads it. */
  public static String format(Duration d) {
    long millis = d.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0 && millis > 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }

  private static MeshConfigException invalid(String field, String text) {
    return new MeshConfigException(
        field + ": \"" + text + "\" (expected: a duration such as 300ms, 3s, 1m or PT3S)");
  }
}
