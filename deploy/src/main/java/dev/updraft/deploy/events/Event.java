package dev.updraft.deploy.events;

/**
 * Something the engine did, as it happened: every step emits these, and the CLI's live lines, recap
 * and {@code --json} output are views of them.
 */
public sealed interface Event {
  /** Milliseconds since the release started. */
  long elapsedMillis();

  /** A stage of the whole run began: plan, apply, rollback, destroy. */
  record Stage(long elapsedMillis, String stage, String message) implements Event {}

  /** A service's step changed state. */
  record StepEvent(long elapsedMillis, String service, String step, Outcome outcome, String message)
      implements Event {}

  /** The run ended. */
  record Finished(long elapsedMillis, boolean success, String message) implements Event {}

  /** How a step stands. */
  enum Outcome {
    STARTED,
    PROGRESS,
    DONE,
    UNCHANGED,
    FAILED,
    ROLLED_BACK
  }
}
