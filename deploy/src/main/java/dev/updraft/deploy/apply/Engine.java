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
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.SpecException;
import dev.updraft.deploy.spec.SpecParser;
import dev.updraft.deploy.spec.SpecWarning;
import dev.updraft.deploy.spec.SpecWarnings;
import dev.updraft.deploy.spec.TargetName;
import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.deploy.state.Sealer;
import dev.updraft.deploy.state.StateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The deployment engine for one environment: plan, apply with automatic rollback, rollback to a
 * release, history, destroy. Its state is the journal in {@code .updraft/<environment>/} next to
 * the spec; one engine at a time holds the environment's lock.
 */
public final class Engine {
  private final Path specFile;
  private final EventSink sink;
  private final Redactor redactor;
  private final Map<String, String> hostEnv;
  private final int parallelism;
  private final TargetName target;
  private final Target.Factory targets;
  private UnaryOperator<EnvironmentSpec> derive = UnaryOperator.identity();

  /**
   * @param target the target to use instead of the spec's ({@code local}, {@code kubernetes}), or
   *     null
   * @param targets opens the target a spec names
   */
  public Engine(
      Path specFile,
      EventSink sink,
      Redactor redactor,
      Map<String, String> hostEnv,
      int parallelism,
      TargetName target,
      Target.Factory targets) {
    this.specFile = specFile.toAbsolutePath();
    this.sink = sink;
    this.redactor = redactor;
    this.hostEnv = hostEnv;
    this.parallelism = parallelism;
    this.target = target;
    this.targets = targets;
  }

  /**
   * This engine on the spec {@code derive} makes of the file's, as a preview is its source's spec
   * under another name, ports and namespace; releases read back from the journal are derived too.
   */
  public Engine deriving(UnaryOperator<EnvironmentSpec> derive) {
    this.derive = derive;
    return this;
  }

  public EnvironmentSpec spec() {
    return derive.apply(SpecParser.load(specFile, target));
  }

  /**
   * The plan for the spec against what runs; reads state and changes nothing, but for the
   * environment's key, made if there is none yet so that the versions are those apply will use.
   */
  public Plan plan() {
    EnvironmentSpec spec = spec();
    History history = history(spec);
    Secrets secrets = new Secrets(spec, redactor, hostEnv, key(spec));
    Set<String> live = Set.of();
    if (!history.services().isEmpty()) { // a fresh environment needs no look at its target
      try (Target t = targets.open(spec)) {
        live = t.live();
      }
    }
    return Planner.plan(
        spec,
        Versions.compute(spec, secrets),
        history.services(),
        before(history, spec, read()),
        live);
  }

  /** Ids of the recorded instances that run now on the target. */
  public Set<String> live() {
    EnvironmentSpec spec = spec();
    try (Target t = targets.open(spec)) {
      return t.live();
    }
  }

  /** Where the environment's journal, lock and target state live. */
  public Path dataDir() {
    EnvironmentSpec spec = spec();
    return targets.dataDir(spec);
  }

  /** Applies the spec; on failure the environment returns to the last good release. */
  public Outcome apply() {
    EnvironmentSpec spec = spec();
    return locked(
        spec,
        (t, journal) -> {
          Secrets secrets = new Secrets(spec, redactor, hostEnv, key(spec));
          return run(
              t,
              spec,
              read(),
              Versions.compute(spec, secrets),
              secrets,
              journal,
              ReleaseKind.APPLY,
              true);
        });
  }

  /** Returns to a release (the last good one before the newest when {@code release} is null). */
  public Outcome rollback(Integer release) {
    EnvironmentSpec current = spec();
    return locked(
        current,
        (t, journal) -> {
          History history = History.of(journal.entries());
          History.Release to = release == null ? previousGood(history) : find(history, release);
          EnvironmentSpec old = parse(to, current);
          return run(
              t,
              old,
              to.specText(),
              new Versions.Computed(to.versions(), to.fingerprints()),
              new Secrets(old, redactor, hostEnv, key(current)),
              journal,
              ReleaseKind.ROLLBACK,
              false);
        });
  }

  /** Stops everything of the environment; data of databases stays. */
  public void destroy() {
    EnvironmentSpec spec = spec();
    locked(
        spec,
        (t, journal) -> {
          History history = History.of(journal.entries());
          int release = history.nextRelease();
          journal.append(
              new Entry.ReleaseStarted(
                  release,
                  Instant.now().toString(),
                  ReleaseKind.DESTROY,
                  specFile.toString(),
                  "",
                  Map.of(),
                  Map.of()));
          t.prepare();
          Secrets secrets = new Secrets(spec, redactor, hostEnv, key(spec));
          Deployment d =
              new Deployment(spec, journal, release, sink, redactor, secrets, history.services());
          for (Service.Job job : spec.all(Service.Job.class)) {
            if (job.runs(Service.When.DELETE)) {
              d.step(job.name(), "run", Event.Outcome.STARTED, "on delete");
              t.runOnDelete(d, job, Versions.of(spec, job, secrets));
              d.step(job.name(), "run", Event.Outcome.DONE, "on delete");
            }
          }
          List<String> names = new ArrayList<>(history.services().keySet());
          java.util.Collections.reverse(names);
          for (String name : names) {
            t.remove(d, history.services().get(name));
            d.removed(name);
            d.step(name, "delete", Event.Outcome.DONE, null);
          }
          t.destroyed(d);
          journal.append(new Entry.ReleaseFinished(release, ReleaseStatus.SUCCEEDED, "destroyed"));
          return null;
        });
  }

  /** Runs a deployed cron job once now and waits for it; the journal is not touched. */
  public Target.JobRun runJob(String name) {
    EnvironmentSpec spec = spec();
    Map<String, ServiceState> deployed = history(spec).services();
    ServiceState state = deployed.get(name);
    if (!(spec.service(name) instanceof Service.Job job) || !job.runs(Service.When.CRON)) {
      List<String> crons =
          spec.all(Service.Job.class).stream()
              .filter(j -> j.runs(Service.When.CRON))
              .map(Service::name)
              .toList();
      throw new DeployException(
          "NOT_A_CRON_JOB",
          "job: "
              + name
              + " is not a cron job of "
              + spec.environment()
              + " (cron jobs: "
              + crons
              + ")",
          "jobs run when: start run on apply, when their version changes",
          null);
    }
    if (state == null || state.instances().isEmpty()) {
      throw new DeployException(
          "NOT_DEPLOYED", name + " is not deployed yet", "run updraft deploy apply first", null);
    }
    // The log tail shows none of the job's secrets, nor a database password it was given.
    new Secrets(spec, redactor, hostEnv, key(spec)).valuesOf(job);
    deployed.values().stream()
        .map(s -> s.attributes().get("password"))
        .filter(java.util.Objects::nonNull)
        .forEach(redactor::add);
    try (Target t = targets.open(spec)) {
      Target.JobRun run = t.runNow(state, job);
      return new Target.JobRun(
          run.id(), run.succeeded(), run.outcome(), redactor.redact(run.logTail()));
    }
  }

  /**
   * Hands {@code sink} the redacted lines of a service's log that {@code query} asks for, then the
   * new ones while it follows, until {@code stop} says so.
   */
  public void logs(LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop)
      throws InterruptedException {
    EnvironmentSpec spec = spec();
    Secrets secrets = new Secrets(spec, redactor, hostEnv, key(spec));
    for (Service service : spec.services().values()) {
      try {
        secrets.valuesOf(service); // known to the redactor from now on
      } catch (RuntimeException e) {
        // A source unreadable here: the values that can be read are still kept out of the lines.
      }
    }
    try (Target t = targets.open(spec)) {
      new InstanceAccess(spec, history(spec).services(), redactor).logs(t, query, sink, stop);
    }
  }

  /** Runs {@code command} with a service instance's environment and directory; its exit code. */
  public int exec(String service, String instance, List<String> command) {
    EnvironmentSpec spec = spec();
    try (Target t = targets.open(spec)) {
      return new InstanceAccess(spec, history(spec).services(), redactor)
          .exec(t, service, instance, command);
    }
  }

  public History history() {
    return history(spec());
  }

  private History history(EnvironmentSpec spec) {
    Path dir = targets.dataDir(spec);
    Path journal = dir.resolve("journal.jsonl");
    if (!Files.exists(journal)) {
      return History.of(List.of());
    }
    // Only read: sealed values open with the key, and nothing is sealed.
    Sealer sealer = new Sealer(EnvironmentKey.existing(dir).orElse(null), (field, value) -> false);
    try (Journal open = Journal.open(journal, sealer)) {
      return History.of(open.entries());
    }
  }

  /** The environment's key, in the target's data directory; made there when there is none. */
  private EnvironmentKey key(EnvironmentSpec spec) {
    return EnvironmentKey.of(PrivateFiles.directories(targets.dataDir(spec)));
  }

  /** What an apply or rollback achieved. */
  public record Outcome(int release, Plan plan, Map<String, ServiceState> services) {}

  private Outcome run(
      Target t,
      EnvironmentSpec spec,
      String specText,
      Versions.Computed versions,
      Secrets secrets,
      Journal journal,
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
              "recover",
              "release " + interrupted.number() + " was interrupted; converging to the spec"));
    }
    // What runs is seen before the target is readied: starting a supervisor restarts instances
    // that died, and the plan must be the one `plan` shows for the same state.
    Set<String> live = t.live();
    t.prepare();
    EnvironmentSpec previous = previousSpec(history, spec, specText);
    Plan plan = Planner.plan(spec, versions, history.services(), before(history, previous), live);
    int release = history.nextRelease();
    Deployment d =
        new Deployment(spec, journal, release, sink, redactor, secrets, history.services());
    t.begin(d, previous);
    if (kind == ReleaseKind.APPLY) {
      warn(d, spec);
    }
    if (plan.isEmpty()) {
      t.publish(d); // a restarted supervisor must serve the routes again
      sink.emit(
          new Event.Finished(
              d.elapsedMillis(),
              true,
              kind == ReleaseKind.ROLLBACK
                  ? "the previous release never stopped serving"
                  : plan.render()));
      return new Outcome(
          history.releases().isEmpty() ? 0 : history.releases().getLast().number(),
          plan,
          d.states());
    }
    journal.append(
        new Entry.ReleaseStarted(
            release,
            Instant.now().toString(),
            kind,
            specFile.toString(),
            specText,
            versions.versions(),
            versions.fingerprints()));
    d.stage(kind.word(), redactor.redact(plan.render()));
    try {
      new PlanRun(parallelism)
          .execute(t, d, plan, kind == ReleaseKind.ROLLBACK, history.services());
      t.publish(d);
      journal.append(
          new Entry.ReleaseFinished(
              release, ReleaseStatus.SUCCEEDED, kind.word() + " of release " + release));
      sink.emit(
          new Event.Finished(
              d.elapsedMillis(), true, "release " + release + " is live" + urls(t, spec)));
      return new Outcome(release, plan, d.states());
    } catch (DeployException failure) {
      String message = redactor.redact(failure.getMessage());
      journal.append(new Entry.ReleaseFinished(release, ReleaseStatus.FAILED, message));
      History.Release good = history.lastGood();
      if (rollbackOnFailure && good != null) {
        sink.emit(
            new Event.Stage(
                d.elapsedMillis(), "rollback", "rolling back to release " + good.number()));
        try {
          EnvironmentSpec old = parse(good, spec);
          run(
              t,
              old,
              good.specText(),
              new Versions.Computed(good.versions(), good.fingerprints()),
              new Secrets(old, redactor, hostEnv, key(spec)),
              journal,
              ReleaseKind.ROLLBACK,
              false);
          journal.append(
              new Entry.Step(release, "*", "rollback", "done", "back at release " + good.number()));
        } catch (DeployException | SpecException e) {
          failedToo(d, "rollback", e);
        }
      } else if (rollbackOnFailure) {
        sink.emit(
            new Event.Stage(
                d.elapsedMillis(),
                "rollback",
                "no earlier release to return to; removing what this release started"));
        // Each one, whatever the others do: the user is told of the first failure, not this.
        for (ServiceState state : List.copyOf(d.states().values())) {
          if (!history.services().containsKey(state.service())) {
            try {
              t.remove(d, state);
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
          t.begin(before, null);
          t.publish(before);
        } catch (DeployException e) {
          failedToo(d, "restoring the routes", e);
        }
      }
      sink.emit(
          new Event.Finished(d.elapsedMillis(), false, redactor.redact(failure.getMessage())));
      throw failure;
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
            "rollback",
            what + " failed too: " + redactor.redact(e.getMessage())));
  }

  private static String urls(Target t, EnvironmentSpec spec) {
    StringBuilder out = new StringBuilder();
    for (Service.Router router : spec.all(Service.Router.class)) {
      out.append("; ").append(router.name()).append(" at ").append(t.url(router));
    }
    t.consoleUrl().ifPresent(url -> out.append("; console at ").append(url));
    return out.toString();
  }

  private <T> T locked(EnvironmentSpec spec, BiFunction<Target, Journal, T> work) {
    Path dir = targets.dataDir(spec);
    try {
      // The whole state directory, the target's and the environment's, is its owner's only: an
      // older updraft made it open to all, and it is tightened once.
      Path state = StateDirectory.of(spec);
      PrivateFiles.privateRoot(state.getParent()); // others must not even list environments
      PrivateFiles.privateRoot(state);
      PrivateFiles.directories(dir);
      try (FileChannel lockFile =
              PrivateFiles.channel(
                  dir.resolve("engine.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.tryLock()) {
        if (lock == null) {
          throw new DeployException(
              "LOCKED",
              "another updraft deploy is working on " + spec.environment(),
              "wait for it to finish, or stop it",
              null);
        }
        EnvironmentKey key = key(spec);
        try (Journal journal =
                Journal.open(dir.resolve("journal.jsonl"), Journal.sealer(key, this::holdsSecret));
            Target t = targets.open(spec)) {
          // A journal an older updraft wrote holds database passwords in plain text: with them
          // known, it is sealed now.
          History.of(journal.entries()).services().values().stream()
              .map(s -> s.attributes().get("password"))
              .filter(java.util.Objects::nonNull)
              .forEach(redactor::add);
          journal.reseal();
          return work.apply(t, journal);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a value holds a secret the redactor knows (resolved in this run, or recorded). */
  private boolean holdsSecret(String value) {
    return !redactor.redact(value).equals(value);
  }

  /** The spec a release applied, on the target this engine works on. */
  private EnvironmentSpec parse(History.Release release, EnvironmentSpec current) {
    return derive.apply(
        SpecParser.parse(
            release.specPath(), release.specText(), current.baseDir(), current.target()));
  }

  /** The last good release, to explain the plan's changes. */
  private Planner.Before before(History history, EnvironmentSpec previous) {
    History.Release good = history.lastGood();
    return good == null
        ? Planner.Before.NONE
        : new Planner.Before(previous, good.versions(), good.fingerprints());
  }

  private Planner.Before before(History history, EnvironmentSpec spec, String specText) {
    return before(history, previousSpec(history, spec, specText));
  }

  /** The spec of the last good release, against {@code spec} (whose text is {@code specText}). */
  private EnvironmentSpec previousSpec(History history, EnvironmentSpec spec, String specText) {
    History.Release good = history.lastGood();
    if (good == null || good.specText() == null || good.specText().isEmpty()) {
      return null;
    }
    if (good.specText().equals(specText)) {
      // Unchanged (a re-apply): the same text on the same base and target parses to an equal
      // spec, the release's path only names it in errors; skip parsing it again.
      return spec;
    }
    try {
      return parse(good, spec);
    } catch (SpecException e) {
      return null;
    }
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

  private String read() {
    try {
      return Files.readString(specFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
