package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.Artifacts;
import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.ExitHints;
import dev.updraft.deploy.spec.Cron;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.mesh.transport.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The local target: services run as processes on this machine under the supervisor, each with its
 * own port, working directory (its artifact), environment and log file.
 */
public final class LocalRuntime implements ServiceRuntime {
  private final Path dir;
  private final SupervisorClient supervisor;
  private final Databases databases;
  private final Artifacts artifacts;
  // The engine runs jobs of when: start itself; the supervisor confines all the rest.
  private final Cgroups cgroups;
  private final Set<Integer> handedOut = new HashSet<>();
  private final HealthProbe probe = new HealthProbe();
  // How long a job past its timeout, or left by an interrupted engine, has after SIGTERM.
  private static final Duration GRACE = Duration.ofSeconds(5);

  public LocalRuntime(Path dir) {
    this(dir, ServerBinaries.of(System.getenv()));
  }

  /** A runtime whose databases run the servers {@code binaries} gives. */
  public LocalRuntime(Path dir, ServerBinaries binaries) {
    this.dir = dir;
    this.artifacts = new Artifacts(dir);
    this.supervisor = SupervisorClient.ensure(dir);
    this.databases = new Databases(dir, this, binaries);
    this.cgroups = Cgroups.detect(dir);
  }

  Path dir() {
    return dir;
  }

  SupervisorClient supervisor() {
    return supervisor;
  }

  Path log(String id) {
    return artifacts.log(id);
  }

  @Override
  public Path stage(String service, String version, Path source, String build, Set<Path> leaveOut) {
    return artifacts.stage(service, version, source, build, leaveOut);
  }

  @Override
  public Instance start(
      String service,
      String instanceId,
      Path cwd,
      String command,
      Map<String, String> env,
      Service.Resources resources) {
    // An engine killed after asking for this instance left it running: it keeps its port, the
    // one its process listens on (a new port would be health-checked in vain).
    for (Protocol.ProcessStatus p :
        supervisor.call(Protocol.Request.of(Protocol.Op.STATUS)).processes()) {
      boolean alive =
          p.state().phase() != ProcessState.Phase.STOPPED
              && p.state().phase() != ProcessState.Phase.FAILED;
      if (p.id().equals(instanceId) && p.port() > 0 && alive) {
        synchronized (this) {
          handedOut.add(p.port());
        }
        return new Instance(instanceId, p.port());
      }
    }
    int port = port(null);
    Map<String, String> full = new LinkedHashMap<>(env);
    full.put("PORT", Integer.toString(port));
    return startOn(service, instanceId, cwd, shell(command), full, resources, port);
  }

  Instance startOn(
      String service,
      String id,
      Path cwd,
      List<String> command,
      Map<String, String> env,
      Service.Resources resources,
      int port) {
    PrivateFiles.touch(log(id));
    supervisor.call(
        Protocol.Request.start(
            new Protocol.ProcessSpec(
                id,
                service,
                command,
                cwd.toString(),
                Artifacts.environment(env),
                log(id).toString(),
                true,
                resources)));
    return new Instance(id, port);
  }

  @Override
  public void stop(String instanceId) {
    supervisor.call(Protocol.Request.stop(instanceId, 10_000L));
  }

  @Override
  public boolean running(String instanceId) {
    return Observation.of(supervisor.call(Protocol.Request.of(Protocol.Op.STATUS)))
        .live()
        .contains(instanceId);
  }

  @Override
  public Optional<String> ended(String instanceId) {
    return supervisor.call(Protocol.Request.of(Protocol.Op.STATUS)).processes().stream()
        .filter(p -> p.id().equals(instanceId) && p.ended() != null)
        .map(Protocol.ProcessStatus::ended)
        .findFirst();
  }

  @Override
  public Optional<String> unenforced() {
    String supervised = supervisor.call(Protocol.Request.of(Protocol.Op.STATUS)).unenforced();
    return supervised != null ? Optional.of(supervised) : cgroups.unenforced();
  }

  @Override
  public Set<String> instances() {
    return Observation.of(supervisor.call(Protocol.Request.of(Protocol.Op.STATUS))).live();
  }

  @Override
  public void schedule(
      String service,
      String id,
      Path cwd,
      String command,
      Map<String, String> env,
      Service.Resources resources,
      Cron cron,
      Duration timeout) {
    PrivateFiles.touch(log(id));
    Protocol.ProcessSpec run =
        new Protocol.ProcessSpec(
            id,
            service,
            shell(command),
            cwd.toString(),
            Artifacts.environment(env),
            log(id).toString(),
            false,
            resources);
    supervisor.call(
        Protocol.Request.schedule(
            new Protocol.ScheduleSpec(run, cron.text(), cron.zone().getId(), timeout.toMillis())));
  }

  @Override
  public RunOutcome runNow(String id, Duration timeout) {
    Protocol.ScheduleStatus before =
        schedule(supervisor.call(Protocol.Request.of(Protocol.Op.STATUS)), id);
    Protocol.ScheduleStatus now = schedule(supervisor.call(Protocol.Request.trigger(id)), id);
    if (now.runs() == before.runs()) {
      return new RunOutcome(
          false, "not started: a run is going on already (pid " + now.runningPid() + ")");
    }
    // The supervisor kills a run at its timeout; a little longer covers its grace period.
    long deadline = System.nanoTime() + timeout.plusSeconds(15).toNanos();
    while (now.runningPid() != 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeployException("INTERRUPTED", id + ": interrupted", null, null);
      }
      now = schedule(supervisor.call(Protocol.Request.of(Protocol.Op.STATUS)), id);
    }
    if (now.runningPid() != 0) {
      return new RunOutcome(false, "still going after " + timeout.toSeconds() + "s");
    }
    RunEnd end = now.lastOutcome();
    return new RunOutcome(end != null && end.succeeded(), end == null ? null : end.word());
  }

  private static Protocol.ScheduleStatus schedule(Protocol.Response status, String id) {
    return status.schedules().stream()
        .filter(j -> j.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new DeployException(
                    "NOT_SCHEDULED",
                    id + " is not scheduled on the local supervisor",
                    "run updraft deploy apply: it repairs the schedule",
                    null));
  }

  @Override
  public HealthCheck check(int port, Service.Health health) {
    return probe.check(port, health);
  }

  @Override
  public Map<String, String> runJob(
      String service,
      String runId,
      Path cwd,
      String command,
      Map<String, String> env,
      Service.Resources resources,
      Duration timeout) {
    Path output = dir.resolve("outputs").resolve(runId + ".env");
    Cgroup cgroup = cgroups.group(runId, resources);
    try {
      // Made private and empty before the job writes to it: outputs may hold secrets.
      Files.deleteIfExists(output);
      PrivateFiles.touch(output);
      Map<String, String> full = new LinkedHashMap<>(env);
      full.put("UPDRAFT_OUTPUT", output.toString());
      List<String> argv = cgroups.enter(cgroup, shell(command), PrivateFiles.touch(log(runId)));
      long oomKills = cgroup.oomKills();
      // A group of its own, so that a timeout stops what it left in the background too; out of
      // the terminal's group with it, so a Ctrl-C of the engine stops it through the hook.
      Process process =
          Artifacts.process(ProcessGroups.newSession(argv), cwd, full, log(runId)).start();
      Thread stop = new Thread(() -> ManagedProcess.stopTree(process.toHandle(), GRACE));
      Runtime.getRuntime().addShutdownHook(stop);
      boolean ended;
      try {
        ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(stop);
        } catch (IllegalStateException e) {
          // shutting down: the hook stops the job
        }
      }
      if (!ended) {
        ManagedProcess.stopTree(process.toHandle(), GRACE);
        throw new DeployException(
            "JOB_TIMEOUT",
            service + ": job did not finish within " + timeout.toSeconds() + "s",
            "raise the job's timeout or make it faster",
            logTail(runId, 20));
      }
      if (process.exitValue() != 0) {
        String tail = logTail(runId, 20);
        throw new DeployException(
            "JOB_FAILED",
            service
                + ": job exited with "
                + process.exitValue()
                + cgroup
                    .killedForMemory(process.exitValue(), oomKills)
                    .map(why -> " (" + why + ")")
                    .orElse(""),
            ExitHints.hint(process.exitValue(), command, tail, "jobs." + service + ".command")
                .orElse("the log tail below shows why"),
            tail);
      }
      Map<String, String> outputs = new LinkedHashMap<>();
      if (Files.exists(output)) {
        for (String line : Files.readAllLines(output)) {
          int eq = line.indexOf('=');
          if (eq > 0) {
            outputs.put(line.substring(0, eq).trim(), line.substring(eq + 1));
          }
        }
      }
      return outputs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", service + ": job interrupted", null, null);
    } finally {
      cgroup.remove(); // with what the job left running in it
      try {
        Files.deleteIfExists(output); // read; the journal keeps the outputs, sealed if secret
      } catch (IOException e) {
        // the next run of the job deletes it first
      }
    }
  }

  @Override
  public DatabaseInfo database(Service.Database database, Integer port) {
    return databases.ensure(database, port);
  }

  @Override
  public void route(Routing routing) {
    supervisor.call(Protocol.Request.route(routing));
  }

  @Override
  public synchronized int port(Integer preferred) {
    if (preferred != null) {
      handedOut.add(preferred);
      return preferred;
    }
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = FreePorts.any();
      if (handedOut.add(port)) {
        return port;
      }
    }
    throw new DeployException("NO_PORT", "no free port found", null, null);
  }

  @Override
  public String logTail(String id, int lines) {
    return artifacts.logTail(id, lines);
  }

  /** Stops every process and the supervisor itself: the environment is gone. */
  public void shutdownAll() {
    Protocol.Response status = supervisor.call(Protocol.Request.of(Protocol.Op.STATUS));
    status.processes().forEach(p -> stop(p.id()));
    status.schedules().forEach(j -> stop(j.id()));
    supervisor.shutdown(dir);
  }

  /**
   * Where the PostgreSQL clusters of the environment in {@code dir} live, which {@code destroy}
   * keeps: the environment's directory, or as root a directory of its own under {@code /var/tmp}.
   */
  public static Path postgresClusters(Path dir) {
    return Clusters.of(dir);
  }

  /** The supervisor's view: processes and the mesh's listeners. */
  public Protocol.Response status() {
    return supervisor.call(Protocol.Request.of(Protocol.Op.STATUS));
  }

  @Override
  public void close() {
    probe.close();
    supervisor.close();
  }

  /**
   * A command as users write it, run as Kubernetes runs it: {@code sh -c COMMAND}, so that {@code
   * PYTHONUNBUFFERED=1 python3 app.py} and {@code cd web && ./run} work. The shell execs a lone
   * command; where it forks, the supervisor's stop reaches the process group.
   */
  static List<String> shell(String command) {
    return List.of("/bin/sh", "-c", command);
  }

  static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
