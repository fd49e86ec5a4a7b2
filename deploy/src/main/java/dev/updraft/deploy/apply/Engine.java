package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.Journal;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.SpecParser;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The deployment engine for one environment, as the verbs reach it: plan, apply with automatic
 * rollback, rollback to a release, history, destroy, run, logs and exec. It reads the spec, the
 * journal and the environment's key, takes the environment's lock and opens the target; a release
 * itself is a {@link ReleaseRun}. Its state is the journal in {@code .updraft/<environment>/} next
 * to the spec; one engine at a time holds the environment's lock.
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
        ReleaseSpecs.before(history, new ReleaseSpecs(derive).previous(history, spec, read())),
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
    return locked(spec, run -> run.apply(spec, read()));
  }

  /** Returns to a release (the last good one before the newest when {@code release} is null). */
  public Outcome rollback(Integer release) {
    EnvironmentSpec current = spec();
    return locked(current, run -> run.rollback(current, release));
  }

  /** Stops everything of the environment; data of databases stays. */
  public void destroy() {
    EnvironmentSpec spec = spec();
    locked(
        spec,
        run -> {
          run.destroy(spec);
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

  private <T> T locked(EnvironmentSpec spec, Function<ReleaseRun, T> work) {
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
          return work.apply(
              new ReleaseRun(
                  t,
                  journal,
                  sink,
                  redactor,
                  parallelism,
                  specFile.toString(),
                  new ReleaseSpecs(derive),
                  of -> new Secrets(of, redactor, hostEnv, key)));
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

  private String read() {
    try {
      return Files.readString(specFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
