package dev.updraft.deploy.apply;

import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where an environment runs: this machine, a Kubernetes cluster. The engine plans, orders, journals
 * and rolls back; a target makes one service real at one version, and takes it away. Every call may
 * block until the service is ready; failures are {@link DeployException}s.
 */
public interface Target extends AutoCloseable {
  /** Chooses and opens the target of a spec. */
  interface Factory {
    /** Where the journal and the lock of {@code spec} on its target live; touches nothing. */
    Path dataDir(EnvironmentSpec spec);

    /** Opens the target; nothing starts until a change needs it. */
    Target open(EnvironmentSpec spec);
  }

  /**
   * Ids of the recorded instances that run now; a recorded instance missing from the set is
   * repaired. Only looks, unless {@link #prepare()} ran.
   */
  Set<String> live();

  /** Makes the target ready for changes (the local target starts its supervisor). */
  default void prepare() {}

  /**
   * A release begins (or returns to {@code previous}, the spec of the last good release, which is
   * null when there is none). The target may keep serving what {@code previous} defined until the
   * release replaces it.
   */
  default void begin(Deployment release, EnvironmentSpec previous) {}

  /**
   * Brings one service to {@code version}; everything it depends on is deployed. A target whose
   * failed step left the service changed records that state with {@link Deployment#deployed}, so
   * that a rollback puts it back.
   */
  ServiceState deploy(Deployment release, Service service, String version);

  /** Runs a job declared {@code when: delete}, to completion (destroy). */
  void runOnDelete(Deployment release, Service.Job job, String version);

  /**
   * How a run started by hand ended.
   *
   * @param id what ran (a local schedule's id, a Kubernetes Job's name)
   * @param logTail the last lines the run wrote, redacted by the caller
   */
  record JobRun(String id, boolean succeeded, String outcome, String logTail) {}

  /**
   * Runs a deployed cron job once now, outside its schedule (as {@code kubectl create job
   * --from=cronjob/NAME} does), and waits for the run to end.
   */
  default JobRun runNow(ServiceState state, Service.Job job) {
    throw new DeployException(
        "UNSUPPORTED", "this target cannot run a job by hand", "wait for its schedule", null);
  }

  /**
   * Hands {@code sink} the lines of a deployed service's log that {@code query} asks for, in time
   * order, and when it follows, each new line (of new instances too) until {@code stop} says so. An
   * instance the query names that the target does not know is a {@link DeployException} ({@code
   * UNKNOWN_INSTANCE}) naming the ones it knows.
   */
  default void logs(
      ServiceState state, LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop)
      throws InterruptedException {
    throw new DeployException("UNSUPPORTED", "this target keeps no logs", null, null);
  }

  /**
   * Runs {@code command} (a program and its arguments, no shell) beside a deployed service's
   * instance: with its environment, secrets included, and its working directory, attached to this
   * process's stdin, stdout and stderr; returns its exit code.
   *
   * @param instance the instance's id, or empty for the first live one
   */
  default int exec(ServiceState state, String instance, List<String> command) {
    throw new DeployException("UNSUPPORTED", "this target cannot run commands", null, null);
  }

  /** Stops and removes what runs for a service. */
  void remove(Deployment release, ServiceState state);

  /** Makes what runs reachable (routes); at the end of a release, and when nothing changed. */
  default void publish(Deployment release) {}

  /**
   * The environment was destroyed: stop whatever keeps it running or would start it again, and say
   * so through {@code release}.
   */
  default void destroyed(Deployment release) {}

  /** A line about a deployed service for the step's "done" event. */
  String describe(ServiceState state);

  /** The address of a router for the release's last line. */
  String url(Service.Router router);

  /** The address of the environment's web console, when the target serves one. */
  default Optional<String> consoleUrl() {
    return Optional.empty();
  }

  @Override
  void close();
}
