package dev.updraft.cli.deploy;

import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.local.StatusReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code status --json}: one document with what the human status shows, in the conventions of
 * {@link JsonOutput} (snake_case, the engine's own JSON). The local target's comes from the same
 * {@link StatusReport} as its human form; a cluster's says which workloads the cluster has.
 */
final class StatusJson {
  private StatusJson() {}

  /** A local environment: its supervisor and watchdog, each instance as it actually runs. */
  static String local(StatusReport report) {
    StatusReport.SupervisorState supervisor = report.supervisor();
    return Json.write(
        Json.object(
            "environment",
            report.environment(),
            "target",
            "local",
            "release",
            release(report.release(), report.releaseStatus()),
            "supervisor",
            Json.object(
                "state", supervisor.state(),
                "detail", supervisor.detail(),
                "pid", supervisor.pid() == 0 ? null : supervisor.pid(),
                "watchdog", supervisor.watchdog()),
            "services",
            Json.list(report.services(), StatusJson::service)));
  }

  private static Object service(StatusReport.ServiceReport s) {
    Map<String, Object> service =
        Json.object(
            "service", s.name(),
            "kind", s.kind(),
            "version", s.version(),
            "port", s.port(),
            "address", s.address());
    if (s.server() != null) {
      service.put("server", s.server()); // as the human status words it
    }
    if (!s.schedules().isEmpty()) {
      service.put("schedule", Json.list(s.schedules(), StatusJson::cron));
    } else {
      service.put("instances", Json.list(s.instances(), StatusJson::instance));
    }
    return service;
  }

  private static Object instance(StatusReport.InstanceReport i) {
    return Json.object(
        "id", i.id(),
        "port", i.port(),
        "state", i.state(),
        "running", i.running(),
        "pid", i.running() ? i.pid() : null,
        "health", i.health(),
        "uptime_seconds", i.uptimeSeconds(),
        "restarts", i.restarts(),
        "ended", i.lastEnded(),
        "version", i.version(),
        "release", i.release());
  }

  private static Object cron(StatusReport.CronReport j) {
    return Json.object(
        "id", j.id(),
        "schedule", j.schedule(),
        "state", j.scheduled() ? "scheduled" : "not scheduled",
        "zone", j.zone(),
        "next", j.next(),
        "runs", j.runs(),
        "running_pid", j.runningPid() == 0 ? null : j.runningPid(),
        "last_outcome", j.lastOutcome());
  }

  /** A cluster target: each service's workload and whether the cluster has it. */
  static String cluster(String environment, String target, History history, Set<String> live) {
    History.Release last = history.releases().isEmpty() ? null : history.releases().getLast();
    List<Object> services = new ArrayList<>();
    for (ServiceState s : history.services().values()) {
      services.add(
          Json.object(
              "service",
              s.service(),
              "kind",
              s.kind(),
              "version",
              s.version(),
              "instances",
              Json.list(
                  s.instances(),
                  i ->
                      Json.object(
                          "id",
                          i.id(),
                          "port",
                          i.port(),
                          "state",
                          live.contains(i.id()) ? "running" : "not running"))));
    }
    return Json.write(
        Json.object(
            "environment",
            environment,
            "target",
            target,
            "release",
            last == null ? null : release(last.number(), last.status()),
            "services",
            services));
  }

  private static Object release(Integer number, ReleaseStatus status) {
    return number == null ? null : Json.object("number", number, "status", status.word());
  }
}
