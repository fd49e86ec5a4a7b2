package dev.updraft.console.model;

/**
 * One step of a release on the timeline: what it did to which service, how it ended (or {@code
 * running}), and when; {@code millis} is how long it took, -1 while unknown.
 */
public record Step(
    String service, String action, String outcome, String detail, String started, long millis) {
  public Step {
    if (service == null || action == null || outcome == null) {
      throw new IllegalArgumentException(
          "step: " + service + "/" + action + "/" + outcome + " (expected: all set)");
    }
  }

  public boolean failed() {
    return outcome.equals("failed");
  }
}
