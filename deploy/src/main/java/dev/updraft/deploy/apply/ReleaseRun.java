package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.Entry;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.Journal;
import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.SpecException;
import dev.updraft.deploy.spec.SpecWarning;
import dev.updraft.deploy.spec.SpecWarnings;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Releases on an open target under the environment's lock, each journaled from its start to its
 * end: an apply whose failure returns the environment to the last good release (or, with none,
 * removes what it started), a rollback to a recorded release, and a destroy.
 */
final class ReleaseRun {
  private final Target target;
  private final Journal journal;
  private final EventSink sink;
  private final Redactor redactor;
  private final int parallelism;
  private final String specPath;
  private final ReleaseSpecs specs;
  private final Function<EnvironmentSpec, Secrets> secrets;

  /**
   * @param specPath the spec file, recorded with each release
   * @param secrets the secrets of a spec, with the environment's key
   */
  ReleaseRun(
      Target target,
      Journal journal,
      EventSink sink,
      Redactor redactor,
      int parallelism,
      String specPath,
      ReleaseSpecs specs,
      Function<EnvironmentSpec, Secrets> secrets) {
    this.target = target;
    this.journal = journal;
    this.sink = sink;
    this.redactor = redactor;
    this.parallelism = parallelism;
    this.specPath = specPath;
    this.specs = specs;
    this.secrets = secrets;
  }

  /** Applies {@code spec} (whose text is {@code specText}); on failure returns to the last good. */
  Engine.Outcome apply(EnvironmentSpec spec, String specText) {
    Secrets of = secrets.apply(spec);
    return run(spec, specText, Versions.compute(spec, of), of, ReleaseKind.APPLY, true);
  }

  /** Returns to a release (the last good one before the newest when {@code release} is null). */
  Engine.Outcome rollback(EnvironmentSpec current, Integer release) {
    History history = History.of(journal.entries());
    History.Release to = release == null ? previousGood(history) : find(history, release);
    EnvironmentSpec old = specs.parse(to, current);
    return run(old, to.specText(), recorded(to), secrets.apply(old), ReleaseKind.ROLLBACK, false);
  }

  /** Stops everything of the environment; data of databases stays. */
  void destroy(EnvironmentSpec spec) {
    History history = History.of(journal.entries());
    int release = history.nextRelease();
    journal.append(
        new Entry.ReleaseStarted(
            release,
            Instant.now().toString(),
            ReleaseKind.DESTROY,
            specPath,
            "",
            Map.of(),
            Map.of()));
    target.prepare();
    Secrets of = secrets.apply(spec);
    Deployment d = new Deployment(spec, journal, release, sink, redactor, of, history.services());
    for (Service.Job job : spec.all(Service.Job.class)) {
      if (job.runs(Service.When.DELETE)) {
        d.step(job.name(), "run", StepOutcome.STARTED, "on delete");
        target.runOnDelete(d, job, Versions.of(spec, job, of));
        d.step(job.name(), "run", StepOutcome.DONE, "on delete");
      }
    }
    List<String> names = new ArrayList<>(history.services().keySet());
    Collections.reverse(names);
    for (String name : names) {
      target.remove(d, history.services().get(name));
      d.removed(name);
      d.step(name, "delete", StepOutcome.DONE, null);
    }
    target.destroyed(d);
    journal.append(new Entry.ReleaseFinished(release, ReleaseStatus.SUCCEEDED, "destroyed"));
  }

  private Engine.Outcome run(
      EnvironmentSpec spec,
      String specText,
      Versions.Computed versions,
      Secrets secrets,
      ReleaseKind kind,
      boolean rollbackOnFailure) {
    History history = History.of(journal.entries());
    History.Release interrupted = history.interrupted();
    if (interrupted != null) {
      journal.append(
          new Entry.ReleaseFinished(
              interrupted.number(),
              ReleaseStatus.INTERRUPTED,
              "the engine stopped during this release"));
      sink.emit(
          new Event.Stage(
              0,
              Event.Stage.Name.RECOVER,
              "release " + interrupted.number() + " was interrupted; converging to the spec"));
    }
    // What runs is seen before the target is readied: starting a supervisor restarts instances
    // that died, and the plan must be the one `plan` shows for the same state.
    Set<String> live = target.live();
    target.prepare();
    EnvironmentSpec previous = specs.previous(history, spec, specText);
    Plan plan =
        Planner.plan(
            spec, versions, history.services(), ReleaseSpecs.before(history, previous), live);
    int release = history.nextRelease();
    Deployment d =
        new Deployment(spec, journal, release, sink, redactor, secrets, history.services());
    target.begin(d, previous);
    if (kind == ReleaseKind.APPLY) {
      warn(d, spec);
    }
    if (plan.isEmpty()) {
      target.publish(d); // a restarted supervisor must serve the routes again
      sink.emit(
          new Event.Finished(
              d.elapsedMillis(),
              true,
              kind == ReleaseKind.ROLLBACK
                  ? "the previous release never stopped serving"
                  : plan.render()));
      return new Engine.Outcome(
          history.releases().isEmpty() ? 0 : history.releases().getLast().number(),
          plan,
          d.states());
    }
    journal.append(
        new Entry.ReleaseStarted(
            release,
            Instant.now().toString(),
            kind,
            specPath,
            specText,
            versions.versions(),
            versions.fingerprints()));
    d.stage(Event.Stage.Name.of(kind), redactor.redact(plan.render()));
    try {
      new PlanRun(parallelism)
          .execute(target, d, plan, kind == ReleaseKind.ROLLBACK, history.services());
      target.publish(d);
      journal.append(
          new Entry.ReleaseFinished(
              release, ReleaseStatus.SUCCEEDED, kind.word() + " of release " + release));
      sink.emit(
          new Event.Finished(
              d.elapsedMillis(), true, "release " + release + " is live" + urls(spec)));
      return new Engine.Outcome(release, plan, d.states());
    } catch (DeployException failure) {
      journal.append(
          new Entry.ReleaseFinished(
              release, ReleaseStatus.FAILED, redactor.redact(failure.getMessage())));
      if (rollbackOnFailure) {
        recover(spec, secrets, history, release, d);
      }
      sink.emit(
          new Event.Finished(d.elapsedMillis(), false, redactor.redact(failure.getMessage())));
      throw failure;
    }
  }

  /**
   * After {@code release} failed: the last good release applied again, or with none, what the
   * release started removed and the routes as they were.
   */
  private void recover(
      EnvironmentSpec spec, Secrets secrets, History history, int release, Deployment d) {
    History.Release good = history.lastGood();
    if (good != null) {
      sink.emit(
          new Event.Stage(
              d.elapsedMillis(),
              Event.Stage.Name.ROLLBACK,
              "rolling back to release " + good.number()));
      try {
        EnvironmentSpec old = specs.parse(good, spec);
        run(
            old,
            good.specText(),
            recorded(good),
            this.secrets.apply(old),
            ReleaseKind.ROLLBACK,
            false);
        journal.append(
            new Entry.Step(
                release, "*", "rollback", StepOutcome.DONE, "back at release " + good.number()));
      } catch (DeployException | SpecException e) {
        failedToo(d, "rollback", e);
      }
      return;
    }
    sink.emit(
        new Event.Stage(
            d.elapsedMillis(),
            Event.Stage.Name.ROLLBACK,
            "no earlier release to return to; removing what this release started"));
    // Each one, whatever the others do: the user is told of the first failure, not this.
    for (ServiceState state : List.copyOf(d.states().values())) {
      if (!history.services().containsKey(state.service())) {
        try {
          target.remove(d, state);
          d.removed(state.service());
        } catch (DeployException | UncheckedIOException e) {
          failedToo(d, "removing " + state.service(), e);
        }
      }
    }
    try {
      Deployment before =
          new Deployment(
              spec, journal, release, EventSink.NONE, redactor, secrets, history.services());
      target.begin(before, null);
      target.publish(before);
    } catch (DeployException e) {
      failedToo(d, "restoring the routes", e);
    }
  }

  /** What will not work on the spec's target as written, one warning each, on every apply. */
  private void warn(Deployment d, EnvironmentSpec spec) {
    for (SpecWarning w : SpecWarnings.of(spec)) {
      sink.emit(
          new Event.Warning(
              d.elapsedMillis(),
              spec.environment(),
              w.field(),
              w.reason(),
              w.message() + " (hint: " + w.hint() + ")",
              1));
    }
  }

  /** Reports a failure of the clean-up after a failed release; the release's own is the error. */
  private void failedToo(Deployment d, String what, RuntimeException e) {
    sink.emit(
        new Event.Stage(
            d.elapsedMillis(),
            Event.Stage.Name.ROLLBACK,
            what + " failed too: " + redactor.redact(e.getMessage())));
  }

  private String urls(EnvironmentSpec spec) {
    StringBuilder out = new StringBuilder();
    for (Service.Router router : spec.all(Service.Router.class)) {
      out.append("; ").append(router.name()).append(" at ").append(target.url(router));
    }
    target.consoleUrl().ifPresent(url -> out.append("; console at ").append(url));
    return out.toString();
  }

  private static Versions.Computed recorded(History.Release release) {
    return new Versions.Computed(release.versions(), release.fingerprints());
  }

  private static History.Release previousGood(History history) {
    List<History.Release> good =
        history.releases().stream()
            .filter(History.Release::succeeded)
            .filter(r -> r.kind() != ReleaseKind.DESTROY)
            .toList();
    if (good.size() < 2) {
      throw new DeployException(
          "NO_RELEASE",
          "there is no earlier good release to roll back to",
          "see updraft deploy history",
          null);
    }
    return good.get(good.size() - 2);
  }

  private static History.Release find(History history, int number) {
    return history.releases().stream()
        .filter(r -> r.number() == number && !r.specText().isEmpty())
        .findFirst()
        .orElseThrow(
            () ->
                new DeployException(
                    "NO_RELEASE",
                    "release " + number + " does not exist",
                    "see updraft deploy history",
                    null));
  }
}
