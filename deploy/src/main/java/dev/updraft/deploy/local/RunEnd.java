package dev.updraft.deploy.local;

/**
 * How the last run of a cron job ended. On the wire, in the supervisor's table, in status and in
 * {@code --json} it is the phrase earlier builds wrote: {@code succeeded}, {@code failed (HOW)},
 * {@code failed to start: WHY}, {@code timed out after Ns}, {@code skipped at INSTANT: the previous
 * run is still going} or {@code ended (exit code unknown: run adopted...)}.
 *
 * @param detail how it failed ({@link Phase#FAILED}), why it did not start ({@link
 *     Phase#NOT_STARTED}), after how long it timed out ({@link Phase#TIMED_OUT}), when it was due
 *     ({@link Phase#SKIPPED}), what is known of an adopted run ({@link Phase#ADOPTED}, may be
 *     empty), or the whole phrase ({@link Phase#UNKNOWN}); null for {@link Phase#SUCCEEDED}
 */
public record RunEnd(Phase phase, String detail) {
  /** The closed set of ways a run ends. */
  public enum Phase {
    SUCCEEDED,
    /** It exited with another code than 0, or was killed. */
    FAILED,
    /** Its process could not be started. */
    NOT_STARTED,
    /** It was still going at its timeout, and was stopped. */
    TIMED_OUT,
    /** It was due while the run before it was still going. */
    SKIPPED,
    /** A run a previous supervisor started ended, its exit code unknown. */
    ADOPTED,
    /** A phrase this build does not know (a supervisor of another build), kept as it came. */
    UNKNOWN
  }

  public static final RunEnd SUCCEEDED = new RunEnd(Phase.SUCCEEDED, null);

  private static final String SUCCEEDED_WORD = "succeeded";
  private static final String NOT_STARTED_PREFIX = "failed to start: ";
  private static final String FAILED_PREFIX = "failed (";
  private static final String TIMED_OUT_PREFIX = "timed out after ";
  private static final String SKIPPED_PREFIX = "skipped at ";
  private static final String SKIPPED_SUFFIX = ": the previous run is still going";
  private static final String ADOPTED_PREFIX = "ended (exit code unknown: run adopted";
  private static final String CLOSE = ")";

  public RunEnd {
    if (phase == null) {
      throw new IllegalArgumentException("phase: null (expected one of the ways a run ends)");
    }
    if ((phase == Phase.SUCCEEDED) != (detail == null)) {
      throw new IllegalArgumentException(
          "detail: "
              + detail
              + " (expected: "
              + (phase == Phase.SUCCEEDED ? "none" : "a detail")
              + " for "
              + phase
              + ")");
    }
  }

  /** Whether the run did its job. */
  public boolean succeeded() {
    return phase == Phase.SUCCEEDED;
  }

  /** The phrase on the wire and in status. */
  public String word() {
    return switch (phase) {
      case SUCCEEDED -> SUCCEEDED_WORD;
      case FAILED -> FAILED_PREFIX + detail + CLOSE;
      case NOT_STARTED -> NOT_STARTED_PREFIX + detail;
      case TIMED_OUT -> TIMED_OUT_PREFIX + detail;
      case SKIPPED -> SKIPPED_PREFIX + detail + SKIPPED_SUFFIX;
      case ADOPTED -> ADOPTED_PREFIX + detail + CLOSE;
      case UNKNOWN -> detail;
    };
  }

  @Override
  public String toString() {
    return word();
  }

  /** The end a phrase names; null for null, {@link Phase#UNKNOWN} for a phrase not known. */
  public static RunEnd parse(String word) {
    if (word == null) {
      return null;
    }
    if (word.equals(SUCCEEDED_WORD)) {
      return SUCCEEDED;
    }
    // "failed to start: " first: it also begins with "failed".
    if (word.startsWith(NOT_STARTED_PREFIX)) {
      return new RunEnd(Phase.NOT_STARTED, word.substring(NOT_STARTED_PREFIX.length()));
    }
    if (word.startsWith(TIMED_OUT_PREFIX)) {
      return new RunEnd(Phase.TIMED_OUT, word.substring(TIMED_OUT_PREFIX.length()));
    }
    RunEnd framed = framed(word, Phase.FAILED, FAILED_PREFIX, CLOSE);
    if (framed == null) {
      framed = framed(word, Phase.SKIPPED, SKIPPED_PREFIX, SKIPPED_SUFFIX);
    }
    if (framed == null) {
      framed = framed(word, Phase.ADOPTED, ADOPTED_PREFIX, CLOSE);
    }
    return framed != null ? framed : new RunEnd(Phase.UNKNOWN, word);
  }

  private static RunEnd framed(String word, Phase phase, String prefix, String suffix) {
    if (word.length() >= prefix.length() + suffix.length()
        && word.startsWith(prefix)
        && word.endsWith(suffix)) {
      return new RunEnd(phase, word.substring(prefix.length(), word.length() - suffix.length()));
    }
    return null;
  }
}
