package dev.updraft.deploy.events;

import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.json.Word;

/**
 * Something the engine did, as it happened: every step emits these, and the CLI's live lines, recap
 * and {@code --json} output are views of them.
 */
public sealed interface Event {
  /** Milliseconds since the release started. */
  long elapsedMillis();

  /** A stage of the whole run began: apply (with its plan), rollback, destroy, recover. */
  record Stage(long elapsedMillis, Stage.Name stage, String message) implements Event {
    /** Which stage, written as its word in {@code --json}. */
    public enum Name implements Word {
      APPLY,
      ROLLBACK,
      DESTROY,
      /** Converging after an interrupted release, before the new one. */
      RECOVER;

      /** The stage a release of {@code kind} is. */
      public static Name of(ReleaseKind kind) {
        return switch (kind) {
          case APPLY -> APPLY;
          case ROLLBACK -> ROLLBACK;
          case DESTROY -> DESTROY;
        };
      }
    }

    public Stage {
      java.util.Objects.requireNonNull(stage, "stage");
    }
  }

  /** A service's step changed state. */
  record StepEvent(
      long elapsedMillis, String service, String step, StepOutcome outcome, String message)
      implements Event {}

  /**
   * A rollout's pods changed: of {@code desired}, how many run the new version and how many of
   * those are ready; how many of the old version remain.
   */
  record Pods(long elapsedMillis, String service, int desired, int updated, int ready, int old)
      implements Event {}

  /**
   * A container of a service ended: crashed and restarted, or finished (jobs); its exit code and
   * what the code means.
   */
  record ContainerExit(
      long elapsedMillis,
      String service,
      String pod,
      int restarts,
      Integer exitCode,
      String reason,
      String meaning)
      implements Event {}

  /**
   * The platform warned about a service (a Kubernetes Warning event), reported once per distinct
   * reason and message, or the target about the environment (the local target cannot enforce {@code
   * resources} here: {@code service} is the environment); {@code count} is how often it was seen so
   * far.
   */
  record Warning(
      long elapsedMillis, String service, String object, String reason, String message, int count)
      implements Event {}

  /**
   * An application's or job's image is in the registry: built and pushed now ({@code built}), with
   * {@code layersPushed} of its layers uploaded ({@code bytesPushed} bytes) and {@code
   * layersPresent} already there; or found there under its version's tag, nothing built. {@code
   * image} is the tag, {@code digest} the manifest's, {@code millis} how long the image step took.
   */
  record Image(
      long elapsedMillis,
      String service,
      String image,
      String digest,
      boolean built,
      int layersPushed,
      int layersPresent,
      long bytesPushed,
      long millis)
      implements Event {}

  /** The run ended. */
  record Finished(long elapsedMillis, boolean success, String message) implements Event {}
}
