package dev.updraft.deploy.local;

import dev.updraft.deploy.spec.Cron;
import dev.updraft.deploy.spec.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where services run. The engine plans and orders; a runtime builds, starts, checks and stops. The
 * local target implements it with supervised processes; a microVM runtime (updraft vm) can
 * implement the same operations later.
 */
public interface ServiceRuntime extends AutoCloseable {
  /** A started instance. */
  record Instance(String id, int port) {}

  /** A database's connection attributes; {@code secrets} are the values to redact. */
  record DatabaseInfo(int port, Map<String, String> attributes, java.util.List<String> secrets) {}

  /**
   * Copies a service's source into an immutable artifact for this version and builds it there,
   * once; rollbacks run old versions from their artifacts without rebuilding. The files of {@code
   * leaveOut} (where secrets are read from) are not copied.
   */
  Path stage(String service, String version, Path source, String build, Set<Path> leaveOut);

  /** Starts one instance on a fresh port (exported to it as PORT), within {@code resources}. */
  Instance start(
      String service,
      String instanceId,
      Path cwd,
      String command,
      Map<String, String> env,
      Service.Resources resources);

  void stop(String instanceId);

  /**
   * One health check's outcome and what it got, e.g. {@code GET http://127.0.0.1:4001/health
   * answered 500 (body: "db down")}, {@code connection refused} or {@code no answer within 2s}.
   */
  record HealthCheck(boolean passed, String got) {}

  /** Checks the health of the instance on {@code port} now. */
  HealthCheck check(int port, Service.Health health);

  /** Whether the instance's process is alive (not crashed, not restarting). */
  boolean running(String instanceId);

  /**
   * How the instance's process last ended, e.g. {@code exit 3} or {@code exit 137, killed: out of
   * memory (limit 64Mi)}; empty while it never did.
   */
  Optional<String> ended(String instanceId);

  /** Runs a job to completion within {@code resources}; returns the outputs it wrote. */
  Map<String, String> runJob(
      String service,
      String runId,
      Path cwd,
      String command,
      Map<String, String> env,
      Service.Resources resources,
      Duration timeout);

  /**
   * Runs a job at each time {@code cron} names, one run at a time, each within {@code resources}
   * and for at most {@code timeout}, until {@link #stop} of the same id. Scheduling an id again
   * changes nothing.
   */
  void schedule(
      String service,
      String id,
      Path cwd,
      String command,
      Map<String, String> env,
      Service.Resources resources,
      Cron cron,
      Duration timeout);

  /** How a run started by hand ended. */
  record RunOutcome(boolean succeeded, String outcome) {}

  /** Runs a scheduled job once now, outside its schedule, and waits for the run to end. */
  RunOutcome runNow(String id, Duration timeout);

  /** Makes sure a database server runs; returns how to reach it. */
  DatabaseInfo database(Service.Database database, Integer port);

  /** Publishes service addresses and routers. */
  void route(Routing routing);

  /** A free port, or {@code preferred} if given. */
  int port(Integer preferred);

  /** The last lines an instance, job or build wrote, for error reports. */
  String logTail(String id, int lines);

  /** Ids of the instances the runtime runs now. */
  java.util.Set<String> instances();

  /**
   * Why {@code resources} are not enforced here, with what would make them; empty when they are.
   */
  default Optional<String> unenforced() {
    return Optional.empty();
  }

  @Override
  void close();
}
