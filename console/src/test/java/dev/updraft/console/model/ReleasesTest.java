package dev.updraft.console.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.journal.Entry;
import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.StepOutcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleasesTest {
  @Test
  void aReleaseShowsItsDiffAgainstTheOneBeforeAndWhoStartedIt() {
    List<Release> releases =
        Releases.of(
            List.of(
                started(1, Map.of("web", "a1", "db", "d1"), "ana (cli)"),
                new Entry.ReleaseFinished(1, ReleaseStatus.SUCCEEDED, "ok"),
                started(2, Map.of("web", "a2", "cache", "c1"), "console (ana, from 127.0.0.1)")));

    assertThat(releases).extracting(Release::number).containsExactly(2, 1);
    Release second = releases.getFirst();
    assertThat(second.inProgress()).isTrue();
    assertThat(second.startedBy()).isEqualTo("console (ana, from 127.0.0.1)");
    assertThat(second.diff())
        .containsExactly(
            new Change("cache", Change.Kind.ADDED, null, "c1"),
            new Change("db", Change.Kind.REMOVED, "d1", null),
            new Change("web", Change.Kind.CHANGED, "a1", "a2"));
    assertThat(releases.getLast().diff()).hasSize(2).allMatch(c -> c.kind() == Change.Kind.ADDED);
  }

  @Test
  void stepsArePairedIntoDurationsAndProgressIsTimedFromItsStep() {
    List<Step> steps =
        Releases.timeline(
            List.of(
                step("web", "create", "started", null, "2026-12-07T05:00:00Z"),
                step("web", "start", "progress", "instance web-1", "2026-12-07T05:00:00.200Z"),
                step("web", "health", "progress", "web-1 healthy", "2026-12-07T05:00:01.500Z"),
                step("web", "create", "done", "1 healthy", "2026-12-07T05:00:02Z"),
                step("db", "create", "started", null, "2026-12-07T05:00:02Z"),
                step("db", "create", "failed", "exit 1", "2026-12-07T05:00:02.250Z"),
                step("api", "create", "started", null, "2026-12-07T05:00:03Z")),
            false);

    assertThat(steps)
        .extracting(Step::service, Step::action, Step::word, Step::millis)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("web", "create", "done", 2000L),
            org.assertj.core.groups.Tuple.tuple("web", "start", "progress", 200L),
            org.assertj.core.groups.Tuple.tuple("web", "health", "progress", 1500L),
            org.assertj.core.groups.Tuple.tuple("db", "create", "failed", 250L),
            org.assertj.core.groups.Tuple.tuple("api", "create", "running", -1L));
    assertThat(steps.get(3).failed()).isTrue();
    assertThat(steps.getFirst().detail()).isEqualTo("1 healthy");
  }

  @Test
  void aStepLeftOpenInAnEndedReleaseIsStartedNotRunningAndOldLinesHaveNoDuration() {
    List<Step> steps =
        Releases.timeline(
            List.of(
                new Entry.Step(1, "web", "build", StepOutcome.STARTED, null, null),
                new Entry.Step(1, "web", "create", StepOutcome.STARTED, null, null),
                new Entry.Step(1, "web", "create", StepOutcome.DONE, null, null)),
            true);
    assertThat(steps).extracting(Step::word).containsExactly("started", "done");
    assertThat(steps).extracting(Step::millis).containsExactly(-1L, -1L);
  }

  private static Entry started(int release, Map<String, String> versions, String by) {
    return new Entry.ReleaseStarted(
        release, "2026-12-07T05:00:00Z", ReleaseKind.APPLY, "/s", "", versions, Map.of(), by);
  }

  private static Entry.Step step(
      String service, String action, String outcome, String detail, String time) {
    return new Entry.Step(1, service, action, StepOutcome.parse(outcome), detail, time);
  }
}
