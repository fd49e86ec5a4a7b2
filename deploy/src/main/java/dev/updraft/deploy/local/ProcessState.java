package dev.updraft.deploy.local;

/**
 * What a managed process is doing: as its supervisor tells it, or as the engine sees it when no
 * supervisor answers. On the wire, in status and in {@code --json} it is the phrase earlier builds
 * wrote: {@code starting}, {@code running}, {@code stopped}, {@code failed: WHY}, {@code crashed
 * (HOW), restarting}, and the engine's own {@code running (unsupervised)}, {@code not running},
 * {@code exited (its supervisor has not noticed yet)}.
 *
 * @param detail why it failed ({@link Phase#FAILED}), how its run ended ({@link Phase#CRASHED}), or
 *     the whole phrase ({@link Phase#UNKNOWN}); null for the others
 */
public record ProcessState(Phase phase, String detail) {
  /** The closed set of what a process can be doing. */
  public enum Phase {
    STARTING,
    RUNNING,
    STOPPED,
    /** It could not be started. */
    FAILED,
    /** It exited and is being restarted with backoff. */
    CRASHED,
    /** It runs while no supervisor answers (read from the table and {@code /proc}). */
    UNSUPERVISED,
    /** It does not run, and no supervisor answers. */
    NOT_RUNNING,
    /** The supervisor says it runs, but its pid is gone. */
    EXITED,
    /** A phrase this build does not know (a supervisor of another build), kept as it came. */
    UNKNOWN
  }

  public static final ProcessState STARTING = new ProcessState(Phase.STARTING, null);
  public static final ProcessState RUNNING = new ProcessState(Phase.RUNNING, null);
  public static final ProcessState STOPPED = new ProcessState(Phase.STOPPED, null);
  public static final ProcessState UNSUPERVISED = new ProcessState(Phase.UNSUPERVISED, null);
  public static final ProcessState NOT_RUNNING = new ProcessState(Phase.NOT_RUNNING, null);
  public static final ProcessState EXITED = new ProcessState(Phase.EXITED, null);

  private static final String FAILED_PREFIX = "failed: ";
  private static final String CRASHED_PREFIX = "crashed (";
  private static final String CRASHED_SUFFIX = "), restarting";

  public ProcessState {
    if (phase == null) {
      throw new IllegalArgumentException("phase: null (expected one of the process phases)");
    }
    boolean detailed = phase == Phase.FAILED || phase == Phase.CRASHED || phase == Phase.UNKNOWN;
    if (detailed != (detail != null)) {
      throw new IllegalArgumentException(
          "detail: "
              + detail
              + " (expected: "
              + (detailed ? "a detail" : "none")
              + " for "
              + phase
              + ")");
    }
  }

  static ProcessState failed(String why) {
    return new ProcessState(Phase.FAILED, String.valueOf(why));
  }

  static ProcessState crashed(String ended) {
    return new ProcessState(Phase.CRASHED, ended);
  }

  /** Whether its process runs now. */
  public boolean runs() {
    return phase == Phase.RUNNING || phase == Phase.UNSUPERVISED;
  }

  /** The phrase on the wire and in status. */
  public String word() {
    return switch (phase) {
      case STARTING -> "starting";
      case RUNNING -> "running";
      case STOPPED -> "stopped";
      case FAILED -> FAILED_PREFIX + detail;
      case CRASHED -> CRASHED_PREFIX + detail + CRASHED_SUFFIX;
      case UNSUPERVISED -> "running (unsupervised)";
      case NOT_RUNNING -> "not running";
      case EXITED -> "exited (its supervisor has not noticed yet)";
      case UNKNOWN -> detail;
    };
  }

  @Override
  public String toString() {
    return word();
  }

  /** The state a phrase names; null for null, {@link Phase#UNKNOWN} for a phrase not known. */
  public static ProcessState parse(String word) {
    if (word == null) {
      return null;
    }
    for (ProcessState plain :
        new ProcessState[] {STARTING, RUNNING, STOPPED, UNSUPERVISED, NOT_RUNNING, EXITED}) {
      if (plain.word().equals(word)) {
        return plain;
      }
    }
    if (word.startsWith(FAILED_PREFIX)) {
      return failed(word.substring(FAILED_PREFIX.length()));
    }
    if (word.startsWith(CRASHED_PREFIX)
        && word.endsWith(CRASHED_SUFFIX)
        && word.length() >= CRASHED_PREFIX.length() + CRASHED_SUFFIX.length()) {
      return crashed(
          word.substring(CRASHED_PREFIX.length(), word.length() - CRASHED_SUFFIX.length()));
    }
    return new ProcessState(Phase.UNKNOWN, word);
  }
}
