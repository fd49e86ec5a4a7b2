package dev.updraft.deploy.logs;

import java.time.Instant;

/**
 * Which lines of a service's log to show.
 *
 * @param service the service, as the spec names it
 * @param instance one instance's id, or empty for all of them
 * @param since only lines written at or after it ({@link Instant#EPOCH}: all)
 * @param tail only the last this many lines of what was written before following (-1: all)
 * @param follow go on with the lines written from now on, of new instances too
 */
public record LogQuery(String service, String instance, Instant since, int tail, boolean follow) {
  public LogQuery {
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("service: '" + service + "' (expected: a service name)");
    }
    instance = instance == null ? "" : instance;
    since = since == null ? Instant.EPOCH : since;
    if (tail < -1) {
      throw new IllegalArgumentException("tail: " + tail + " (expected: >= 0, or -1 for all)");
    }
  }

  /** Whether {@code line} is one to show, before {@link #tail} cuts. */
  public boolean shows(LogLine line) {
    return !line.time().isBefore(since) && (instance.isEmpty() || instance.equals(line.instance()));
  }
}
