package dev.updraft.deploy.local;

import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.ServiceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code status} shows of a local environment: the journal's services and instances, each
 * instance as it actually runs ({@link Observation}: its process, checked against {@code /proc}),
 * with its health (the router's passive view, then a health check made now), restarts, uptime and
 * the version it runs. The same record is the {@code --json} form.
 *
 * @param release the last release's number, null when never deployed
 * @param releaseStatus its outcome, e.g. {@code succeeded}
 */
public record StatusReport(
    String environment,
    Integer release,
    ReleaseStatus releaseStatus,
    SupervisorState supervisor,
    List<ServiceReport> services) {
  /**
   * The supervisor and its watchdog.
   *
   * @param state {@code running}, {@code restarting} or {@code down}
   * @param pid the supervisor's pid, 0 when none answers
   * @param watchdog whether a watchdog watches the environment
   */
  public record SupervisorState(String state, String detail, long pid, boolean watchdog) {}

  /**
   * A deployed service, and its instances or (a cron job) its schedule.
   *
   * @param port its stable port (a router's, an application's service address, a database's)
   * @param address how to reach it, e.g. {@code http://127.0.0.1:8080/}; null without a port
   * @param server a database's server programs and their version, as it was started with them, e.g.
   *     {@code postgres 18.7 (pinned, io.zonky...)}; null for the rest
   * @param schedules a cron job's schedule, one per instance id; empty for the rest
   */
  public record ServiceReport(
      String name,
      ServiceKind kind,
      String version,
      Integer port,
      String address,
      String server,
      List<InstanceReport> instances,
      List<CronReport> schedules) {}

  /**
   * A cron job as the supervisor (or, without one, its table) has it.
   *
   * @param scheduled whether the supervisor has it; false: the next apply schedules it again
   * @param zone the time zone of its schedule, null when not known without a supervisor
   * @param next when it runs next, null when not known without a supervisor
   * @param runningPid the pid of its run going on, 0 when none
   * @param lastOutcome how its last run ended, e.g. {@code succeeded}; null before the first
   */
  public record CronReport(
      String id,
      String schedule,
      boolean scheduled,
      String zone,
      String next,
      int runs,
      long runningPid,
      String lastOutcome) {
    /** The job's line after its id. */
    String describe() {
      String line = "'" + schedule + "'";
      if (!scheduled) {
        return line + ", not scheduled (apply repairs it)";
      }
      return line
          + (zone == null ? "" : " " + zone)
          + (next == null ? "" : ", next " + next)
          + ", "
          + runs
          + " run(s)"
          + (runningPid != 0 ? ", running (pid " + runningPid + ")" : "")
          + (lastOutcome == null ? "" : ", last: " + lastOutcome);
    }
  }

  /**
   * One instance as it runs now.
   *
   * @param state the process's state, e.g. {@code running}, {@code not running}, {@code crashed
   *     (exit 3), restarting}
   * @param running whether its process is alive
   * @param health the word healthy, or {@code unhealthy: ...} saying why (ejected by the router, or
   *     what the health check got: the status and body, a refused connection, a timeout); null when
   *     it does not run
   * @param uptimeSeconds since its process started; null when it does not run
   * @param lastEnded how its process last ended, e.g. {@code exit 137, killed: out of memory}
   * @param version the service version it runs
   * @param release the release that made that version live, null when the journal does not say
   */
  public record InstanceReport(
      String id,
      int port,
      String state,
      boolean running,
      long pid,
      String health,
      Long uptimeSeconds,
      int restarts,
      String lastEnded,
      String version,
      Integer release) {
    /** The instance's line after its id and port. */
    String describe() {
      StringBuilder line = new StringBuilder(state);
      if (running) {
        line.append(", pid ").append(pid);
        if (uptimeSeconds != null) {
          line.append(", up ").append(uptime(uptimeSeconds));
        }
      }
      if (restarts > 0) {
        line.append(", ").append(restarts).append(restarts == 1 ? " restart" : " restarts");
        if (lastEnded != null) {
          line.append(" (last: ").append(lastEnded).append(')');
        }
      }
      if (health != null) {
        line.append(", ").append(health);
      }
      line.append(", version ").append(version);
      if (release != null) {
        line.append(" (release ").append(release).append(')');
      }
      return line.toString();
    }
  }

  /** {@code 45s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}. */
  static String uptime(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
    if (seconds < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart());
    }
    return String.format(Locale.ROOT, "%dd%02dh", d.toDays(), d.toHoursPart());
  }

  /** Reads the environment's journal state, looks at what runs in {@code dir} and checks health. */
  public static StatusReport of(EnvironmentSpec spec, History history, Path dir) {
    Observation seen = Observation.of(dir);
    History.Release last = history.releases().isEmpty() ? null : history.releases().getLast();
    List<ServiceReport> services = new ArrayList<>();
    try (HealthProbe probe = new HealthProbe()) {
      for (ServiceState s : history.services().values()) {
        List<InstanceReport> instances = new ArrayList<>();
        List<CronReport> schedules = new ArrayList<>();
        for (ServiceState.Instance i : s.instances()) {
          if (s.attributes().containsKey("schedule")) {
            schedules.add(cron(s, i, seen));
          } else {
            instances.add(instance(spec, history, s, i, seen, probe));
          }
        }
        services.add(
            new ServiceReport(
                s.service(),
                s.kind(),
                s.version(),
                s.servicePort(),
                address(s),
                s.attributes().get("server"),
                instances,
                schedules));
      }
    }
    return new StatusReport(
        spec.environment(),
        last == null ? null : last.number(),
        last == null ? null : last.status(),
        supervisor(seen, dir, !services.isEmpty()),
        services);
  }

  private static InstanceReport instance(
      EnvironmentSpec spec,
      History history,
      ServiceState s,
      ServiceState.Instance i,
      Observation seen,
      HealthProbe probe) {
    Integer release = liveSince(history, s.service(), s.version());
    Optional<Protocol.ProcessStatus> found = seen.process(i.id());
    if (found.isEmpty()) {
      return new InstanceReport(
          i.id(), i.port(), "not running", false, 0, null, null, 0, null, s.version(), release);
    }
    Protocol.ProcessStatus p = found.get();
    boolean running = Observation.running(p);
    String health = null;
    if (running) {
      health = p.ejected() != null ? "unhealthy: " + p.ejected() : check(spec, s, i.port(), probe);
    }
    Long uptime =
        running && p.startedMillis() > 0
            ? Math.max(0, (System.currentTimeMillis() - p.startedMillis()) / 1000)
            : null;
    return new InstanceReport(
        i.id(),
        i.port(),
        p.state().word(),
        running,
        running ? p.pid() : 0,
        health,
        uptime,
        p.restarts(),
        p.ended(),
        s.version(),
        release);
  }

  /** A health check made now, the same one a rollout's health gate makes. */
  private static String check(EnvironmentSpec spec, ServiceState s, int port, HealthProbe probe) {
    Service.Health health =
        switch (spec.service(s.service())) {
          case Service.Application a -> a.health();
          case Service.Container c -> c.health();
          case null, default -> Service.Health.TCP;
        };
    ServiceRuntime.HealthCheck result = probe.check(port, health);
    return result.passed() ? "healthy" : "unhealthy: " + result.got();
  }

  private static CronReport cron(ServiceState s, ServiceState.Instance i, Observation seen) {
    String schedule = s.attributes().get("schedule");
    Protocol.ScheduleStatus j =
        seen.schedules().stream().filter(x -> x.id().equals(i.id())).findFirst().orElse(null);
    if (j == null) {
      return new CronReport(i.id(), schedule, false, null, null, 0, 0, null);
    }
    return new CronReport(
        i.id(),
        schedule,
        true,
        j.zone(),
        j.next(),
        j.runs(),
        j.runningPid(),
        j.lastOutcome() == null ? null : j.lastOutcome().word());
  }

  /** The release whose apply made {@code version} of the service live, and kept it since. */
  private static Integer liveSince(History history, String service, String version) {
    Integer since = null;
    for (History.Release r : history.releases()) {
      if (!r.succeeded() || r.versions() == null || !r.versions().containsKey(service)) {
        continue;
      }
      if (!version.equals(r.versions().get(service))) {
        since = null;
      } else if (since == null) {
        since = r.number();
      }
    }
    return since;
  }

  private static SupervisorState supervisor(Observation seen, Path dir, boolean deployed) {
    boolean watched = SupervisorClient.watched(dir);
    long pid = 0;
    if (seen.supervisor() == Observation.Supervision.RUNNING) {
      try {
        pid = Long.parseLong(Files.readString(dir.resolve("supervisor.pid")).trim());
      } catch (java.io.IOException | NumberFormatException e) {
        pid = 0;
      }
    }
    String detail = seen.supervisor().describe(deployed);
    if (seen.supervisor() == Observation.Supervision.RUNNING && !watched) {
      detail += " (no watchdog: the next updraft command starts one)";
    }
    return new SupervisorState(
        seen.supervisor().name().toLowerCase(Locale.ROOT), detail, pid, watched);
  }

  private static String address(ServiceState s) {
    if (s.servicePort() == null) {
      return null;
    }
    boolean http =
        s.kind() != null
            && switch (s.kind()) {
              case ROUTER, APPLICATION -> true;
              case CONTAINER, JOB, DATABASE -> false;
            };
    return http ? "http://127.0.0.1:" + s.servicePort() + "/" : "127.0.0.1:" + s.servicePort();
  }

  /** The human form: a line per service, an indented line per instance. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    // A supervisor is only news once there was something to supervise.
    boolean news = release != null || supervisor.pid() > 0;
    lines.add(
        "environment "
            + environment
            + (release == null
                ? ": never deployed"
                : ": release " + release + " " + releaseStatus.word())
            + (news ? "; " + supervisor.detail() : "")
            + (supervisor.pid() > 0 ? " (pid " + supervisor.pid() + ")" : ""));
    for (ServiceReport s : services) {
      lines.add(
          String.format(
                  Locale.ROOT,
                  "  %-14s %-12s %-14s %s",
                  s.name(),
                  s.kind(),
                  s.version(),
                  s.address() == null ? "" : s.address())
              .stripTrailing());
      if (s.server() != null) {
        lines.add("      server " + s.server());
      }
      for (CronReport j : s.schedules()) {
        lines.add(String.format(Locale.ROOT, "      %-34s %s", j.id(), j.describe()));
      }
      for (InstanceReport i : s.instances()) {
        lines.add(
            String.format(Locale.ROOT, "      %-34s port %-6d %s", i.id(), i.port(), i.describe()));
      }
    }
    return lines;
  }
}
