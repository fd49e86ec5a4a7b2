package dev.updraft.deploy.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What runs for an environment, seen the same way whether or not its supervisor answers: the one
 * source that {@code plan}, {@code apply} and {@code status} read. A process counts as running when
 * its process is alive: the supervisor's word is checked against the pid (an adopted process's end
 * reaches the supervisor late), and without a supervisor its table's pids are checked against
 * {@code /proc}, start time included, so a recycled pid is not mistaken for the instance.
 *
 * @param supervisor whether the supervisor answers, or why not
 * @param processes each managed process, its {@code state} as the supervisor or {@code /proc} says
 * @param schedules the cron jobs; without a supervisor, those its table holds (a successor resumes
 *     them)
 * @param listeners the mesh's listeners by name, when the supervisor answers
 */
public record Observation(
    Supervision supervisor,
    List<Protocol.ProcessStatus> processes,
    List<Protocol.ScheduleStatus> schedules,
    Map<String, Integer> listeners) {
  /** The supervisor's state. */
  public enum Supervision {
    /** It answers on its socket. */
    RUNNING,
    /** It does not answer, and a watchdog is starting it again. */
    RESTARTING,
    /** It does not answer and nothing will start it: routes are down until an updraft command. */
    DOWN;

    /** A sentence for {@code status}. */
    public String describe() {
      return describe(true);
    }

    /**
     * The same, for an environment that has services deployed or not: after {@code down} or {@code
     * destroy} a stopped supervisor is the expected state, not a warning about routes.
     */
    public String describe(boolean deployed) {
      if (this == DOWN && !deployed) {
        return "supervisor not running: nothing is deployed";
      }
      return switch (this) {
        case RUNNING -> "supervisor running";
        case RESTARTING -> "supervisor not answering; its watchdog is starting it again";
        case DOWN ->
            "supervisor not running and no watchdog: routes are down until an updraft command"
                + " (up, apply) starts it; instances below run on their own";
      };
    }
  }

  public Observation {
    processes = List.copyOf(processes);
    schedules = List.copyOf(schedules);
    listeners = listeners == null ? Map.of() : Map.copyOf(listeners);
  }

  /** Looks at the environment in {@code dir}; starts nothing. */
  public static Observation of(Path dir) {
    SupervisorClient client = SupervisorClient.connect(dir);
    if (client != null) {
      try (client) {
        return of(client.call(Protocol.Request.of(Protocol.Op.STATUS)));
      } catch (RuntimeException e) {
        // It went away between the ping and the status: read its table as if it had not answered.
      }
    }
    Supervision supervision =
        SupervisorClient.watched(dir) ? Supervision.RESTARTING : Supervision.DOWN;
    if (!Files.exists(dir.resolve("supervisor.json"))) {
      return new Observation(supervision, List.of(), List.of(), Map.of());
    }
    // Ids, pids and ports are all it needs: the environment's values stay sealed.
    ProcessTable.Contents table = ProcessTable.peek(dir.resolve("supervisor.json"));
    List<Protocol.ProcessStatus> processes = new ArrayList<>();
    for (ProcessTable.Row row : table.processes()) {
      boolean alive = ManagedProcess.same(row.pid(), row.startedMillis()).isPresent();
      String port = row.spec().env().get("PORT");
      processes.add(
          new Protocol.ProcessStatus(
              row.spec().id(),
              row.spec().service(),
              alive ? row.pid() : 0,
              alive ? ProcessState.UNSUPERVISED : ProcessState.NOT_RUNNING,
              row.restarts(),
              null,
              row.spec().log(),
              port == null ? 0 : Integer.parseInt(port),
              null,
              alive ? row.startedMillis() : 0,
              null));
    }
    List<Protocol.ScheduleStatus> schedules = new ArrayList<>();
    for (ScheduledJob.Row row : table.schedules()) {
      if (row.spec() == null) {
        continue; // a row no supervisor can resume: the engine's next apply schedules it again
      }
      Protocol.ProcessSpec run = row.spec().run();
      boolean going = ManagedProcess.same(row.pid(), row.startedMillis()).isPresent();
      schedules.add(
          new Protocol.ScheduleStatus(
              run.id(),
              run.service(),
              row.spec().cron(),
              row.spec().zone(),
              null,
              row.runs(),
              going ? row.pid() : 0,
              null,
              RunEnd.parse(row.lastOutcome()),
              row.lastExit(),
              run.log()));
    }
    return new Observation(supervision, processes, schedules, Map.of());
  }

  /** What an answering supervisor says, its processes checked against their pids. */
  public static Observation of(Protocol.Response status) {
    List<Protocol.ProcessStatus> processes = new ArrayList<>();
    for (Protocol.ProcessStatus p : status.processes()) {
      boolean dead = ProcessState.RUNNING.equals(p.state()) && !alive(p.pid());
      processes.add(dead ? p.withState(ProcessState.EXITED) : p);
    }
    return new Observation(Supervision.RUNNING, processes, status.schedules(), status.listeners());
  }

  /**
   * Ids of the instances that run now and the cron jobs that are scheduled: an instance missing
   * from this set is one an apply repairs.
   */
  public Set<String> live() {
    Set<String> ids = new HashSet<>();
    for (Protocol.ProcessStatus p : processes) {
      if (running(p)) {
        ids.add(p.id());
      }
    }
    schedules.forEach(j -> ids.add(j.id()));
    return ids;
  }

  /** The process of instance {@code id}, if the supervisor (or its table) has one. */
  public Optional<Protocol.ProcessStatus> process(String id) {
    return processes.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** Whether a process status says its process runs now. */
  public static boolean running(Protocol.ProcessStatus p) {
    return p.state() != null && p.state().runs();
  }

  private static boolean alive(long pid) {
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
