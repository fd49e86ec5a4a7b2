package dev.updraft.console.model;

import dev.updraft.deploy.journal.StepOutcome;

/**
 * One step of a release on the timeline: what it did to which service, how it ended (or that it is
 * still {@code running}: started in a release that has not ended), and when; {@code millis} is how
 * long it took, -1 while unknown.
 */
public record Step(
    String service,
    String action,
    StepOutcome outcome,
    boolean running,
    String detail,
    String started,
    long millis) {
  public Step {
    if (service == null || action == null || outcome == null) {
      throw new IllegalArgumentException(
          "step: " + service + "/" + action + "/" + outcome + " (expected: all set)");
    }
    if (running && outcome != StepOutcome.STARTED) {
      throw new IllegalArgumentException(
          "running: true for a step " + outcome.word() + " (expected: only a started one)");
    }
  }

  /** How it stands, as the page shows it: the journal's word, or {@code running}. */
  public String word() {
    return running ? "running" : outcome.word();
  }

  public boolean failed() {
    return outcome == StepOutcome.FAILED;
  }

  /** A line of progress within a step (an instance started, became healthy), not a step. */
  public boolean progress() {
    return outcome == StepOutcome.PROGRESS;
  }
}
