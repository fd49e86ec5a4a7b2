package dev.updraft.deploy.local;

import dev.updraft.deploy.json.Word;
import dev.updraft.deploy.spec.Service;
import java.util.List;
import java.util.Map;

/** The supervisor's request and response messages, one JSON line each over its Unix socket. */
public final class Protocol {
  private Protocol() {}

  /**
   * A process the supervisor keeps running.
   *
   * @param id unique instance id, e.g. {@code catalog-1a2b3c4d-1}
   * @param service the service it belongs to
   * @param command argv (typically {@code bash -c ...})
   * @param cwd working directory
   * @param env full environment
   * @param log file that receives stdout and stderr
   * @param restart restart it with backoff when it exits
   * @param resources its limits, enforced with a cgroup (null in a table written before limits)
   */
  public record ProcessSpec(
      String id,
      String service,
      List<String> command,
      String cwd,
      Map<String, String> env,
      String log,
      boolean restart,
      Service.Resources resources) {}

  /**
   * A managed process as the supervisor sees it.
   *
   * @param port the PORT it was started with (0: none), which stays its port across restarts
   * @param ended how its last run ended, e.g. {@code exit 3} or {@code exit 137, killed: out of
   *     memory (limit 64Mi)}; null while it never ended
   * @param startedMillis when its process started (epoch millis), 0 when none runs
   * @param ejected why the router sends it no requests now (it failed or timed out too often in a
   *     row and its probes have not succeeded yet); null when it does
   */
  public record ProcessStatus(
      String id,
      String service,
      long pid,
      ProcessState state,
      int restarts,
      Integer lastExit,
      String log,
      int port,
      String ended,
      long startedMillis,
      String ejected) {
    public ProcessStatus withState(ProcessState next) {
      return new ProcessStatus(
          id, service, pid, next, restarts, lastExit, log, port, ended, startedMillis, ejected);
    }

    ProcessStatus withEjected(String why) {
      return new ProcessStatus(
          id, service, pid, state, restarts, lastExit, log, port, ended, startedMillis, why);
    }
  }

  /**
   * A job the supervisor runs on a cron schedule, one run at a time (a run still going when the
   * next is due makes that one skipped, as a CronJob with {@code concurrencyPolicy: Forbid}).
   *
   * @param run what each run executes; {@code restart} is ignored
   * @param cron the schedule, five fields or a nickname
   * @param zone the IANA zone it is evaluated in
   * @param timeoutMillis a run still going after this is killed
   */
  public record ScheduleSpec(ProcessSpec run, String cron, String zone, long timeoutMillis) {}

  /**
   * A cron job as the supervisor sees it.
   *
   * @param next when it runs next (ISO-8601 with offset)
   * @param runs how many runs it started
   * @param runningPid the process of the run going on now, 0 when none
   * @param lastStarted when the last run started (ISO-8601), null before the first
   * @param lastOutcome how its last run ended; null before the first
   */
  public record ScheduleStatus(
      String id,
      String service,
      String cron,
      String zone,
      String next,
      int runs,
      long runningPid,
      String lastStarted,
      RunEnd lastOutcome,
      Integer lastExit,
      String log) {}

  /**
   * What a request asks for, written as its name in lower case ({@code {"op":"status"}}), the words
   * every earlier supervisor read.
   */
  public enum Op implements Word {
    PING,
    STATUS,
    /** Start a process (process). */
    START,
    /** Stop a process or a schedule (id, graceMillis). */
    STOP,
    /** Route through the mesh (routing). */
    ROUTE,
    /** Run a job on a cron schedule (schedule). */
    SCHEDULE,
    /** Run a scheduled job now (id). */
    TRIGGER,
    /** Stop the supervisor, leaving its processes to be adopted by the next one. */
    SHUTDOWN,
    /** Stop the supervisor and every process it runs. */
    HALT
  }

  /** A request: what it asks for, and the fields that {@link Op} takes. */
  public record Request(
      Op op,
      ProcessSpec process,
      String id,
      Long graceMillis,
      Routing routing,
      ScheduleSpec schedule) {
    public Request {
      if (op == null) {
        throw new IllegalArgumentException(
            "op: null (expected one of " + Word.words(Op.class) + ")");
      }
    }

    public static Request of(Op op) {
      return new Request(op, null, null, null, null, null);
    }

    static Request start(ProcessSpec process) {
      return new Request(Op.START, process, null, null, null, null);
    }

    static Request stop(String id, long graceMillis) {
      return new Request(Op.STOP, null, id, graceMillis, null, null);
    }

    static Request route(Routing routing) {
      return new Request(Op.ROUTE, null, null, null, routing, null);
    }

    static Request schedule(ScheduleSpec schedule) {
      return new Request(Op.SCHEDULE, null, null, null, null, schedule);
    }

    static Request trigger(String id) {
      return new Request(Op.TRIGGER, null, id, null, null, null);
    }
  }

  /**
   * A response; {@code error} is set when {@code ok} is false.
   *
   * @param unenforced why the supervisor cannot enforce resources, and what would make it; null
   *     when it can
   * @param build the supervisor's {@link BuildId}; null from a supervisor that predates it
   */
  public record Response(
      boolean ok,
      String error,
      List<ProcessStatus> processes,
      List<ScheduleStatus> schedules,
      Map<String, Integer> listeners,
      Integer adminPort,
      String unenforced,
      String build) {
    public Response {
      processes = processes == null ? List.of() : processes;
      schedules = schedules == null ? List.of() : schedules;
    }

    static Response success() {
      return new Response(true, null, null, null, null, null, null, BuildId.current());
    }

    static Response error(String message) {
      return new Response(false, message, null, null, null, null, null, BuildId.current());
    }
  }
}
