package dev.updraft.console.model;

import dev.updraft.deploy.journal.Entry;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Folds journal entries into releases: each with its plan diff (the versions it asked for against
 * those of the release before it) and its steps paired into a timeline (a step's {@code started}
 * line with the line that ended it).
 */
public final class Releases {
  private Releases() {}

  /** Every release in the journal, newest first. */
  public static List<Release> of(List<Entry> entries) {
    Map<Integer, Entry.ReleaseStarted> started = new LinkedHashMap<>();
    Map<Integer, Entry.ReleaseFinished> finished = new LinkedHashMap<>();
    Map<Integer, List<Entry.Step>> steps = new LinkedHashMap<>();
    for (Entry entry : entries) {
      switch (entry) {
        case Entry.ReleaseStarted s -> started.put(s.release(), s);
        case Entry.ReleaseFinished f -> finished.put(f.release(), f);
        case Entry.Step s -> steps.computeIfAbsent(s.release(), r -> new ArrayList<>()).add(s);
        case Entry.Deployed d -> {}
        case Entry.Removed r -> {}
      }
    }
    List<Release> releases = new ArrayList<>();
    Map<String, String> before = Map.of();
    for (Entry.ReleaseStarted s : started.values()) {
      Entry.ReleaseFinished f = finished.get(s.release());
      releases.add(
          new Release(
              s.release(),
              s.kind(),
              f == null ? ReleaseStatus.IN_PROGRESS : f.status(),
              f == null ? "" : f.message(),
              s.time(),
              s.startedBy() == null ? "unknown (an older updraft)" : s.startedBy(),
              diff(before, s.versions()),
              timeline(steps.getOrDefault(s.release(), List.of()), f != null)));
      before = s.versions();
    }
    return releases.reversed();
  }

  /** What a release changes: versions of {@code before} against those of {@code after}. */
  static List<Change> diff(Map<String, String> before, Map<String, String> after) {
    List<Change> changes = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    for (String name : names) {
      String from = before.get(name);
      String to = after.get(name);
      if (from == null) {
        changes.add(new Change(name, Change.Kind.ADDED, null, to));
      } else if (to == null) {
        changes.add(new Change(name, Change.Kind.REMOVED, from, null));
      } else if (!from.equals(to)) {
        changes.add(new Change(name, Change.Kind.CHANGED, from, to));
      }
    }
    return changes;
  }

  /**
   * Pairs each step's {@code started} line with the next line of the same service and action that
   * ends it. A {@code progress} line (an instance started, became healthy) is a row of its own,
   * timed from the start of its service's open step. A step still open is {@code running}, or, in a
   * release that ended, {@code started} (its end was never recorded).
   */
  static List<Step> timeline(List<Entry.Step> lines, boolean ended) {
    List<Step> steps = new ArrayList<>();
    Map<String, Integer> open = new LinkedHashMap<>();
    Map<String, String> serviceStart = new LinkedHashMap<>();
    for (Entry.Step line : lines) {
      if (line.outcome() == null) {
        continue; // a line without an outcome (a damaged or hand-written journal) has no place
      }
      String key = line.service() + "\u0000" + line.action();
      switch (line.outcome()) {
        case PROGRESS ->
            steps.add(
                new Step(
                    line.service(),
                    line.action(),
                    StepOutcome.PROGRESS,
                    false,
                    line.detail(),
                    line.time(),
                    millis(serviceStart.get(line.service()), line.time())));
        case STARTED -> {
          open.put(key, steps.size());
          serviceStart.putIfAbsent(line.service(), line.time());
          steps.add(
              new Step(
                  line.service(),
                  line.action(),
                  StepOutcome.STARTED,
                  !ended,
                  line.detail(),
                  line.time(),
                  -1));
        }
        case DONE, UNCHANGED, FAILED, ROLLED_BACK -> {
          Integer at = open.remove(key);
          if (at != null) {
            Step first = steps.get(at);
            steps.set(
                at,
                new Step(
                    first.service(),
                    first.action(),
                    line.outcome(),
                    false,
                    line.detail() == null ? first.detail() : line.detail(),
                    first.started(),
                    millis(first.started(), line.time())));
          } else {
            steps.add(
                new Step(
                    line.service(),
                    line.action(),
                    line.outcome(),
                    false,
                    line.detail(),
                    line.time(),
                    0));
          }
        }
      }
    }
    return steps;
  }

  private static long millis(String from, String to) {
    if (from == null || to == null) {
      return -1;
    }
    try {
      return Duration.between(Instant.parse(from), Instant.parse(to)).toMillis();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }
}
