package dev.updraft.deploy.local;

import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
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
    String releaseStatus,
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

  /** A deployed service and its instances. */
  public record ServiceReport(
      String name, String kind, String version, String address, List<InstanceReport> instances) {}

  /**
   * One instance (or cron job) as it runs now.
   *
   * @param state the process's state, e.g. {@code running}, {@code not running}, {@code crashed
   *     (exit 3), restarting}
   * @param running whether its process is alive
   * @param health {@code healthy}, or {@code unhealthy: ...} saying why (ejected by the router, or
   *     what the health check got); null when it does not run, or is a cron job
   * @param uptimeSeconds since its process started; null when it does not run
   * @param lastEnded how its process last ended, e.g. {@code exit 137, killed: out of memory}
   * @param version the service version it runs
   * @param release the release that made that version live, null when the journal does not say
   * @param schedule a cron job's schedule line; null for an instance
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
      Integer release,
      String schedule) {
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
    for (ServiceState s : history.services().values()) {
      List<InstanceReport> instances = new ArrayList<>();
      for (ServiceState.Instance i : s.instances()) {
        instances.add(instance(spec, history, s, i, seen));
      }
      services.add(new ServiceReport(s.service(), s.kind(), s.version(), address(s), instances));
    }
    return new StatusReport(
        spec.environment(),
        last == null ? null : last.number(),
        last == null ? null : last.status(),
        supervisor(seen, dir),
        services);
  }

  private static InstanceReport instance(
      EnvironmentSpec spec,
      History history,
      ServiceState s,
      ServiceState.Instance i,
      Observation seen) {
    Integer release = liveSince(history, s.service(), s.version());
    if (s.attributes().containsKey("schedule")) {
      Protocol.ScheduleStatus job =
          seen.schedules().stream().filter(j -> j.id().equals(i.id())).findFirst().orElse(null);
      return new InstanceReport(
          i.id(),
          0,
          job == null ? "not scheduled (apply repairs it)" : "scheduled",
          job != null && job.runningPid() != 0,
          job == null ? 0 : job.runningPid(),
          null,
          null,
          0,
          null,
          s.version(),
          release,
          cron(s, job));
    }
    Optional<Protocol.ProcessStatus> found = seen.process(i.id());
    if (found.isEmpty()) {
      return new InstanceReport(
          i.id(),
          i.port(),
          "not running",
          false,
          0,
          null,
          null,
          0,
          null,
          s.version(),
          release,
          null);
    }
    Protocol.ProcessStatus p = found.get();
    boolean running = Observation.running(p);
    String health = null;
    if (running) {
      health = p.ejected() != null ? "unhealthy: " + p.ejected() : check(spec, s, i.port());
    }
    Long uptime =
        running && p.startedMillis() > 0
            ? Math.max(0, (System.currentTimeMillis() - p.startedMillis()) / 1000)
            : null;
    return new InstanceReport(
        i.id(),
        i.port(),
        p.state(),
        running,
        running ? p.pid() : 0,
        health,
        uptime,
        p.restarts(),
        p.ended(),
        s.version(),
        release,
        null);
  }

  private static String check(EnvironmentSpec spec, ServiceState s, int port) {
    Service.Health health =
        switch (spec.service(s.service())) {
          case Service.Application a -> a.health();
          case Service.Container c -> c.health();
          case null, default -> Service.Health.TCP;
        };
    HealthCheck.Result result = HealthCheck.check(port, health);
    String what = health.http() ? "GET " + health.path() + ": " : "";
    return (result.healthy() ? "healthy (" : "unhealthy: health check (")
        + what
        + result.got()
        + ")";
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

  private static SupervisorState supervisor(Observation seen, Path dir) {
    boolean watched = SupervisorClient.watched(dir);
    long pid = 0;
    if (seen.supervisor() == Observation.Supervision.RUNNING) {
      try {
        pid = Long.parseLong(Files.readString(dir.resolve("supervisor.pid")).trim());
      } catch (java.io.IOException | NumberFormatException e) {
        pid = 0;
      }
    }
    String detail = seen.supervisor().describe();
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
    return "router".equals(s.kind()) || "application".equals(s.kind())
        ? "http://127.0.0.1:" + s.servicePort() + "/"
        : "127.0.0.1:" + s.servicePort();
  }

  private static String cron(ServiceState s, Protocol.ScheduleStatus j) {
    String schedule = "'" + s.attributes().get("schedule") + "'";
    if (j == null) {
      return schedule + ", not scheduled (apply repairs it)";
    }
    return schedule
        + (j.zone() == null ? "" : " " + j.zone())
        + (j.next() == null ? "" : ", next " + j.next())
        + ", "
        + j.runs()
        + " run(s)"
        + (j.runningPid() != 0 ? ", running (pid " + j.runningPid() + ")" : "")
        + (j.lastOutcome() == null ? "" : ", last: " + j.lastOutcome());
  }

  /** The human form: a line per service, an indented line per instance. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    // A supervisor is only news once there was something to supervise.
    boolean news = release != null || supervisor.pid() > 0;
    lines.add(
        "environment "
            + environment
            + (release == null ? ": never deployed" : ": release " + release + " " + releaseStatus)
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
              s.address() == null ? "" : s.address()));
      for (InstanceReport i : s.instances()) {
        if (i.schedule() != null) {
          lines.add(String.format(Locale.ROOT, "      %-34s %s", i.id(), i.schedule()));
          continue;
        }
        lines.add(
            String.format(Locale.ROOT, "      %-34s port %-6d %s", i.id(), i.port(), i.describe()));
      }
    }
    return lines;
  }
}
