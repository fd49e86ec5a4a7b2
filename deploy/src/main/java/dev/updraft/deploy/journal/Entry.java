package dev.updraft.deploy.journal;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One line of the journal ({@link EntryJson} has its JSON form). */
public sealed interface Entry {
  int release();

  /**
   * A release begins: the spec as written (sealed on disk when it holds a secret value), the
   * version of every service, and what each version was made of.
   */
  record ReleaseStarted(
      int release,
      String time,
      ReleaseKind kind,
      String specPath,
      String specText,
      Map<String, String> versions,
      Map<String, Fingerprint> fingerprints,
      String startedBy)
      implements Entry {
    public ReleaseStarted {
      fingerprints =
          fingerprints == null
              ? Map.of()
              : Collections.unmodifiableMap(new LinkedHashMap<>(fingerprints));
    }

    /** A release started now by {@link Actor#current()}. */
    public ReleaseStarted(
        int release,
        String time,
        ReleaseKind kind,
        String specPath,
        String specText,
        Map<String, String> versions,
        Map<String, Fingerprint> fingerprints) {
      this(release, time, kind, specPath, specText, versions, fingerprints, Actor.current());
    }
  }

  /**
   * A step's progress: started, done or failed, with a message; {@code time} is when (ISO-8601),
   * null in journals written before steps had one.
   */
  record Step(
      int release, String service, String action, StepOutcome outcome, String detail, String time)
      implements Entry {
    /** A step reported now. */
    public Step(int release, String service, String action, StepOutcome outcome, String detail) {
      this(release, service, action, outcome, detail, Instant.now().toString());
    }
  }

  /** A service now runs in this state (its secret attributes sealed on disk). */
  record Deployed(int release, ServiceState state) implements Entry {}

  /** A service was removed. */
  record Removed(int release, String service) implements Entry {}

  /** A release ended: succeeded, failed or interrupted. */
  record ReleaseFinished(int release, ReleaseStatus status, String message) implements Entry {}
}
