package dev.updraft.console.model;

import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.ReleaseStatus;
import java.util.List;

/**
 * A release as the console shows it: its number, kind ({@code apply}, {@code rollback}, {@code
 * destroy}), status, who or what started it, its plan diff against the release before it and its
 * step timeline.
 */
public record Release(
    int number,
    ReleaseKind kind,
    ReleaseStatus status,
    String message,
    String time,
    String startedBy,
    List<Change> diff,
    List<Step> steps) {
  public Release {
    if (number < 1) {
      throw new IllegalArgumentException("number: " + number + " (expected: >= 1)");
    }
    diff = List.copyOf(diff);
    steps = List.copyOf(steps);
  }

  public boolean inProgress() {
    return status == ReleaseStatus.IN_PROGRESS;
  }
}
