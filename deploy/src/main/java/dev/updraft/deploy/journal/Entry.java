package dev.updraft.deploy.journal;

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
      String kind,
      String specPath,
      String specText,
      Map<String, String> versions,
      Map<String, Fingerprint> fingerprints)
      implements Entry {
    public ReleaseStarted {
      fingerprints =
          fingerprints == null
              ? Map.of()
              : Collections.unmodifiableMap(new LinkedHashMap<>(fingerprints));
    }
  }

  /** A step's progress: started, done or failed, with a message. */
  record Step(int release, String service, String action, String outcome, String detail)
      implements Entry {}

  /** A service now runs in this state (its secret attributes sealed on disk). */
  record Deployed(int release, ServiceState state) implements Entry {}

  /** A service was removed. */
  record Removed(int release, String service) implements Entry {}

  /** A release ended: succeeded, failed, rolled-back or interrupted. */
  record ReleaseFinished(int release, String status, String message) implements Entry {}
}
