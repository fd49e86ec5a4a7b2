package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.EventSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.Entry;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.Journal;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.SpecException;
import dev.updraft.deploy.spec.SpecParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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
  private final Function<Path, ServiceRuntime> runtimes;

  public Engine(
      Path specFile,
      EventSink sink,
      Redactor redactor,
      Map<String, String> hostEnv,
      int parallelism,
      Function<Path, ServiceRuntime> runtimes) {
    this.specFile = specFile.toAbsolutePath();
    this.sink = sink;
    this.redactor = redactor;
    this.hostEnv = hostEnv;
    this.parallelism = parallelism;
    this.runtimes = runtimes;
  }

  /** The environment's data directory. */
  public static Path dataDir(EnvironmentSpec spec) {
    return spec.baseDir().resolve(".updraft").resolve(spec.environment());
  }

  public EnvironmentSpec spec() {
    return SpecParser.load(specFile);
  }

  /** The plan for the spec against what runs; reads state, changes nothing. */
  public Plan plan() {
    EnvironmentSpec spec = spec();
    Path dir = dataDir(spec);
    History history =
        History.of(Files.exists(dir.resolve("journal.jsonl")) ? readJournal(dir) : List.of());
    Secrets secrets = new Secrets(spec, redactor, hostEnv);
    Set<String> live = liveInstances(dir);
    return Planner.plan(
        spec, Versions.of(spec, secrets), history.services(), previousSpec(history, spec), live);
  }

  /** Applies the spec; on failure the environment returns to the last good release. */
  public Outcome apply() {
    EnvironmentSpec spec = spec();
    requireLocal(spec);
    return locked(
        spec,
        journal -> {
          Secrets secrets = new Secrets(spec, redactor, hostEnv);
          return run(spec, read(), Versions.of(spec, secrets), secrets, journal, "apply", true);
        });
  }

  /** Returns to a release (the last good one before the newest when {@code release} is null). */
  public Outcome rollback(Integer release) {
    EnvironmentSpec current = spec();
    return locked(
        current,
        journal -> {
          History history = History.of(journal.entries());
          History.Release target = release == null ? previousGood(history) : find(history, release);
          EnvironmentSpec old =
              SpecParser.parse(target.specPath(), target.specText(), current.baseDir());
          return run(
              old,
              target.specText(),
              target.versions(),
              new Secrets(old, redactor, hostEnv),
              journal,
              "rollback",
              false);
        });
  }

  /** Stops everything of the environment; data of databases stays on disk. */
  public void destroy() {
    EnvironmentSpec spec = spec();
    locked(
        spec,
        journal -> {
          History history = History.of(journal.entries());
          int release = history.nextRelease();
          journal.append(
              new Entry.ReleaseStarted(
                  release, Instant.now().toString(), "destroy", specFile.toString(), "", Map.of()));
          try (ServiceRuntime runtime = runtimes.apply(dataDir(spec))) {
            Secrets secrets = new Secrets(spec, redactor, hostEnv);
            Deployment d =
                new Deployment(
                    spec,
                    runtime,
                    journal,
                    release,
                    sink,
                    redactor,
                    secrets,
                    history.services(),
                    Map.of());
            for (Service.Job job : spec.all(Service.Job.class)) {
              if (job.when().equals("delete")) {
                String version = Versions.of(spec, job, secrets);
                Path artifact =
                    runtime.stage(
                        job.name(),
                        version,
                        spec.baseDir().resolve(job.process().path()),
                        job.process().build(),
                        Map.of());
                d.step(job.name(), "run", Event.Outcome.STARTED, "on delete");
                runtime.runJob(
                    job.name(),
                    job.name() + "-delete-" + release,
                    artifact,
                    job.process().command(),
                    new Rollout(d).env(job, job.process()),
                    job.timeout());
              }
            }
            List<String> names = new ArrayList<>(history.services().keySet());
            java.util.Collections.reverse(names);
            for (String name : names) {
              for (ServiceState.Instance i : history.services().get(name).instances()) {
                runtime.stop(i.id());
              }
              journal.append(new Entry.Removed(release, name));
              d.step(name, "delete", Event.Outcome.DONE, null);
            }
            if (runtime instanceof dev.updraft.deploy.local.LocalRuntime local) {
              local.shutdownAll();
            }
          }
          journal.append(new Entry.ReleaseFinished(release, "succeeded", "destroyed"));
          return null;
        });
  }

  public History history() {
    EnvironmentSpec spec = spec();
    Path dir = dataDir(spec);
    return History.of(Files.exists(dir.resolve("journal.jsonl")) ? readJournal(dir) : List.of());
  }

  /** What an apply or rollback achieved. */
  public record Outcome(int release, Plan plan, Map<String, ServiceState> services) {}

  private Outcome run(
      EnvironmentSpec spec,
      String specText,
      Map<String, String> versions,
      Secrets secrets,
      Journal journal,
      String kind,
      boolean rollbackOnFailure) {
    History history = History.of(journal.entries());
    History.Release interrupted = history.interrupted();
    if (interrupted != null) {
      journal.append(
          new Entry.ReleaseFinished(
              interrupted.number(), "interrupted", "the engine stopped during this release"));
      sink.emit(
          new Event.Stage(
              0,
              "recover",
              "release " + interrupted.number() + " was interrupted; converging to the spec"));
    }
    try (ServiceRuntime runtime = runtimes.apply(dataDir(spec))) {
      Set<String> live = runtime.instances();
      EnvironmentSpec previous = previousSpec(history, spec);
      Plan plan = Planner.plan(spec, versions, history.services(), previous, live);
      int release = history.nextRelease();
      Map<String, Service.Router> routers = new HashMap<>();
      if (previous != null) {
        previous.all(Service.Router.class).forEach(r -> routers.put(r.name(), r));
      }
      Deployment d =
          new Deployment(
              spec,
              runtime,
              journal,
              release,
              sink,
              redactor,
              secrets,
              history.services(),
              routers);
      spec.all(Service.Router.class).forEach(d::router);
      if (plan.isEmpty()) {
        runtime.route(d.routing()); // a restarted supervisor must serve the routes again
        sink.emit(
            new Event.Finished(
                d.elapsedMillis(),
                true,
                kind.equals("rollback")
                    ? "the previous release never stopped serving"
                    : plan.render()));
        return new Outcome(
            history.releases().isEmpty() ? 0 : history.releases().getLast().number(),
            plan,
            d.states());
      }
      journal.append(
          new Entry.ReleaseStarted(
              release, Instant.now().toString(), kind, specFile.toString(), specText, versions));
      d.stage(kind, redactor.redact(plan.render()));
      try {
        execute(d, plan, versions, kind.equals("rollback"), history.services());
        runtime.route(d.routing());
        journal.append(
            new Entry.ReleaseFinished(release, "succeeded", kind + " of release " + release));
        sink.emit(
            new Event.Finished(
                d.elapsedMillis(), true, "release " + release + " is live" + urls(d)));
        return new Outcome(release, plan, d.states());
      } catch (DeployException failure) {
        String message = redactor.redact(failure.getMessage());
        History.Release good = history.lastGood();
        if (rollbackOnFailure && good != null) {
          journal.append(new Entry.ReleaseFinished(release, "failed", message));
          sink.emit(
              new Event.Stage(
                  d.elapsedMillis(), "rollback", "rolling back to release " + good.number()));
          EnvironmentSpec old = SpecParser.parse(good.specPath(), good.specText(), spec.baseDir());
          try {
            run(
                old,
                good.specText(),
                good.versions(),
                new Secrets(old, redactor, hostEnv),
                journal,
                "rollback",
                false);
            journal.append(
                new Entry.Step(
                    release, "*", "rollback", "done", "back at release " + good.number()));
          } catch (DeployException e) {
            sink.emit(
                new Event.Stage(
                    d.elapsedMillis(),
                    "rollback",
                    "rollback failed too: " + redactor.redact(e.getMessage())));
          }
        } else if (rollbackOnFailure) {
          journal.append(new Entry.ReleaseFinished(release, "failed", message));
          sink.emit(
              new Event.Stage(
                  d.elapsedMillis(),
                  "rollback",
                  "no earlier release to return to; removing what this release started"));
          for (ServiceState state : d.states().values()) {
            if (!history.services().containsKey(state.service())) {
              state.instances().forEach(i -> runtime.stop(i.id()));
              journal.append(new Entry.Removed(release, state.service()));
            }
          }
          runtime.route(
              new Deployment(
                      spec,
                      runtime,
                      journal,
                      release,
                      EventSink.NONE,
                      redactor,
                      secrets,
                      history.services(),
                      routers)
                  .routing());
        } else {
          journal.append(new Entry.ReleaseFinished(release, "failed", message));
        }
        sink.emit(
            new Event.Finished(d.elapsedMillis(), false, redactor.redact(failure.getMessage())));
        throw failure;
      }
    }
  }

  private void execute(
      Deployment d,
      Plan plan,
      Map<String, String> versions,
      boolean rollback,
      Map<String, ServiceState> before) {
    EnvironmentSpec spec = d.spec();
    Rollout rollout = new Rollout(d);
    Semaphore slots = new Semaphore(parallelism);
    AtomicReference<DeployException> failure = new AtomicReference<>();
    Map<String, CompletableFuture<Void>> done = new LinkedHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Plan.Change change : plan.changes()) {
        if (change.action() == Plan.Action.DELETE) {
          continue;
        }
        Service service = spec.service(change.service());
        List<CompletableFuture<Void>> deps = new ArrayList<>();
        for (String dep : Dependencies.of(spec, service)) {
          if (done.containsKey(dep)) {
            deps.add(done.get(dep));
          }
        }
        done.put(
            change.service(),
            CompletableFuture.allOf(deps.toArray(CompletableFuture[]::new))
                .thenRunAsync(
                    () ->
                        step(
                            d, rollout, change, service, versions, rollback, before, slots,
                            failure),
                    pool));
      }
      for (CompletableFuture<Void> f : done.values()) {
        try {
          f.join();
        } catch (CompletionException e) {
          // the first failure is kept in `failure`; dependants were skipped
        }
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    for (Plan.Change change : plan.changes()) {
      if (change.action() == Plan.Action.DELETE) {
        ServiceState state = d.state(change.service());
        d.step(change.service(), "delete", Event.Outcome.STARTED, null);
        if (state != null) {
          d.removed(change.service());
          state.instances().forEach(i -> d.runtime().stop(i.id()));
        }
        d.step(change.service(), "delete", Event.Outcome.DONE, null);
      }
    }
  }

  private void step(
      Deployment d,
      Rollout rollout,
      Plan.Change change,
      Service service,
      Map<String, String> versions,
      boolean rollback,
      Map<String, ServiceState> before,
      Semaphore slots,
      AtomicReference<DeployException> failure) {
    if (failure.get() != null) {
      throw new CompletionException(new IllegalStateException("skipped"));
    }
    if (change.action() == Plan.Action.UNCHANGED) {
      d.step(change.service(), "check", Event.Outcome.UNCHANGED, null);
      return;
    }
    slots.acquireUninterruptibly();
    try {
      d.step(
          change.service(),
          change.action().name().toLowerCase(),
          Event.Outcome.STARTED,
          change.reason());
      ServiceState state =
          rollback && service instanceof Service.Job && before.containsKey(service.name())
              ? before.get(service.name()) // jobs are not re-run to go back
              : rollout.deploy(service, versions.get(service.name()));
      d.deployed(state);
      d.step(
          change.service(),
          change.action().name().toLowerCase(),
          Event.Outcome.DONE,
          summary(state));
    } catch (DeployException e) {
      failure.compareAndSet(null, e);
      d.step(
          change.service(),
          change.action().name().toLowerCase(),
          Event.Outcome.FAILED,
          e.getMessage());
      throw new CompletionException(e);
    } catch (RuntimeException e) {
      DeployException wrapped =
          new DeployException(
              "INTERNAL", change.service() + ": " + e, "run again with --debug", null);
      failure.compareAndSet(null, wrapped);
      d.step(
          change.service(),
          change.action().name().toLowerCase(),
          Event.Outcome.FAILED,
          String.valueOf(e));
      throw new CompletionException(wrapped);
    } finally {
      slots.release();
    }
  }

  private static String summary(ServiceState state) {
    if (!state.instances().isEmpty() && "application".equals(state.kind())) {
      return state.instances().size() + " healthy instance(s) behind port " + state.servicePort();
    }
    return state.servicePort() == null ? "" : "port " + state.servicePort();
  }

  private static String urls(Deployment d) {
    StringBuilder out = new StringBuilder();
    for (Service.Router router : d.spec().all(Service.Router.class)) {
      out.append("; ")
          .append(router.name())
          .append(" at http://127.0.0.1:")
          .append(router.port())
          .append('/');
    }
    return out.toString();
  }

  private <T> T locked(EnvironmentSpec spec, Function<Journal, T> work) {
    Path dir = dataDir(spec);
    try {
      Files.createDirectories(dir);
      try (FileChannel lockFile =
              FileChannel.open(
                  dir.resolve("engine.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.tryLock()) {
        if (lock == null) {
          throw new DeployException(
              "LOCKED",
              "another updraft deploy is working on " + spec.environment(),
              "wait for it to finish, or stop it",
              null);
        }
        try (Journal journal = Journal.open(dir.resolve("journal.jsonl"))) {
          return work.apply(journal);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Set<String> liveInstances(Path dir) {
    var client = dev.updraft.deploy.local.SupervisorClient.connect(dir);
    if (client == null) {
      return Set.of();
    }
    try (client) {
      Set<String> ids = new java.util.HashSet<>();
      client
          .call(dev.updraft.deploy.local.Protocol.Request.of("status"))
          .processes()
          .forEach(
              p -> {
                if (p.state().equals("running")) {
                  ids.add(p.id());
                }
              });
      return ids;
    }
  }

  private static List<Entry> readJournal(Path dir) {
    try (Journal journal = Journal.open(dir.resolve("journal.jsonl"))) {
      return journal.entries();
    }
  }

  private static EnvironmentSpec previousSpec(History history, EnvironmentSpec spec) {
    History.Release good = history.lastGood();
    if (good == null || good.specText() == null || good.specText().isEmpty()) {
      return null;
    }
    try {
      return SpecParser.parse(good.specPath(), good.specText(), spec.baseDir());
    } catch (SpecException e) {
      return null;
    }
  }

  private static History.Release previousGood(History history) {
    List<History.Release> good =
        history.releases().stream()
            .filter(History.Release::succeeded)
            .filter(r -> !r.kind().equals("destroy"))
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

  private static void requireLocal(EnvironmentSpec spec) {
    if (!spec.target().equals("local")) {
      throw new DeployException(
          "TARGET",
          "target " + spec.target() + " cannot be applied by this version of updraft yet",
          "use target: local, or render Kubernetes manifests when that lands (issue #5)",
          null);
    }
  }
}
