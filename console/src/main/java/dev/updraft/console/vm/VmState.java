package dev.updraft.console.vm;

/**
 * What the console knows of a microVM's state: Firecracker's three words from {@code GET /} ({@code
 * Not started}, {@code Running}, {@code Paused}), a VM its serve process reports ended, one whose
 * socket does not answer, and anything else a VMM might say.
 */
public enum VmState {
  NOT_STARTED("Not started"),
  RUNNING("Running"),
  PAUSED("Paused"),
  ENDED("Ended"),
  UNREACHABLE("unreachable"),
  UNKNOWN("unknown");

  private final String word;

  VmState(String word) {
    this.word = word;
  }

  /** The word the page shows: Firecracker's own for its states. */
  public String word() {
    return word;
  }

  /** The state {@code GET /} names; {@link #UNKNOWN} for a word Firecracker does not use. */
  public static VmState ofApi(String word) {
    return switch (word) {
      case "Not started" -> NOT_STARTED;
      case "Running" -> RUNNING;
      case "Paused" -> PAUSED;
      case null, default -> UNKNOWN;
    };
  }
}
