package dev.updraft.deploy.preview;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A preview's time to live as users write it: {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}.
 */
public final class Ttl {
  private static final Pattern TTL = Pattern.compile("([1-9][0-9]{0,6})(s|m|h|d)");

  private Ttl() {}

  /** The duration {@code text} names; a clear error naming {@code --ttl} otherwise. */
  public static Duration parse(String text) {
    Matcher m = text == null ? null : TTL.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "--ttl: \"" + text + "\" (expected: a duration such as 90s, 30m, 24h or 7d)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** A duration the way {@link #parse} reads it, in its largest whole unit. */
  public static String format(Duration ttl) {
    long s = ttl.toSeconds();
    if (s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
