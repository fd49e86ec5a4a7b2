package dev.updraft.deploy.apply;

import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plan run as a graph on virtual threads: each change starts when the changes of the services it
 * depends on are done, at most {@code parallelism} at once; after the first failure nothing new
 * starts (dependants are skipped), and that failure is the run's.
 */
final class PlanRun {
  private final int parallelism;

  PlanRun(int parallelism) {
    this.parallelism = parallelism;
  }

  /** Runs the plan's changes on {@code t}; deletions last, once every other change is done. */
  void execute(
      Target t, Deployment d, Plan plan, boolean rollback, Map<String, ServiceState> before) {
    EnvironmentSpec spec = d.spec();
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
        String version = change.toVersion();
        done.put(
            change.service(),
            CompletableFuture.allOf(deps.toArray(CompletableFuture[]::new))
                .thenRunAsync(
                    () -> step(t, d, change, service, version, rollback, before, slots, failure),
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
        d.step(change.service(), "delete", StepOutcome.STARTED, null);
        if (state != null) {
          t.remove(d, state);
          d.removed(change.service());
        }
        d.step(change.service(), "delete", StepOutcome.DONE, null);
      }
    }
  }

  private void step(
      Target t,
      Deployment d,
      Plan.Change change,
      Service service,
      String version,
      boolean rollback,
      Map<String, ServiceState> before,
      Semaphore slots,
      AtomicReference<DeployException> failure) {
    if (failure.get() != null) {
      throw new CompletionException(new IllegalStateException("skipped"));
    }
    if (change.action() == Plan.Action.UNCHANGED) {
      d.step(change.service(), "check", StepOutcome.UNCHANGED, null);
      return;
    }
    slots.acquireUninterruptibly();
    String action = change.action().name().toLowerCase(Locale.ROOT);
    try {
      d.step(change.service(), action, StepOutcome.STARTED, change.reason());
      ServiceState state =
          rollback && service instanceof Service.Job && before.containsKey(service.name())
              ? before.get(service.name()) // jobs are not re-run to go back
              : t.deploy(d, service, version);
      d.deployed(state);
      d.step(change.service(), action, StepOutcome.DONE, t.describe(state));
    } catch (DeployException e) {
      failure.compareAndSet(null, e);
      d.step(change.service(), action, StepOutcome.FAILED, e.getMessage());
      throw new CompletionException(e);
    } catch (RuntimeException e) {
      DeployException wrapped =
          new DeployException(
              "INTERNAL", change.service() + ": " + e, "run again with --debug", null);
      failure.compareAndSet(null, wrapped);
      d.step(change.service(), action, StepOutcome.FAILED, String.valueOf(e));
      throw new CompletionException(wrapped);
    } finally {
      slots.release();
    }
  }
}
