package dev.updraft.cli.deploy;

import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.local.Protocol;
import dev.updraft.deploy.local.SupervisorClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code updraft status}: each service, its instances, their state and the URLs. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the environment's services and instances.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeployOptions options;

  @Override
  public Integer call() {
    try {
      Engine engine = options.engine(spec);
      var env = engine.spec();
      History history = engine.history();
      if (!env.target().equals("local")) {
        if (options.json) {
          Set<String> live = history.services().isEmpty() ? Set.of() : engine.live();
          return json(env.environment(), env.target(), history, null, Map.of(), Map.of(), live);
        }
        return cluster(engine, env.environment(), history);
      }
      Map<String, Protocol.ProcessStatus> processes = new HashMap<>();
      Map<String, Protocol.ScheduleStatus> schedules = new HashMap<>();
      SupervisorClient client = SupervisorClient.connect(Engine.dataDir(env));
      if (client != null) {
        try (client) {
          Protocol.Response status = client.call(Protocol.Request.of("status"));
          status.processes().forEach(p -> processes.put(p.id(), p));
          status.schedules().forEach(j -> schedules.put(j.id(), j));
        }
      }
      if (options.json) {
        return json(
            env.environment(),
            "local",
            history,
            client != null,
            processes,
            schedules,
            processes.keySet());
      }
      var out = spec.commandLine().getOut();
      History.Release last = history.releases().isEmpty() ? null : history.releases().getLast();
      out.println(
          "environment "
              + env.environment()
              + (last == null
                  ? ": never deployed"
                  : ": release " + last.number() + " " + last.status())
              + (client == null ? " (supervisor not running)" : ""));
      for (ServiceState s : history.services().values()) {
        String where =
            s.servicePort() == null
                ? ""
                : ("router".equals(s.kind()) || "application".equals(s.kind())
                    ? "http://127.0.0.1:" + s.servicePort() + "/"
                    : "127.0.0.1:" + s.servicePort());
        out.printf(
            Locale.ROOT, "  %-14s %-12s %-14s %s%n", s.service(), s.kind(), s.version(), where);
        if (s.attributes().containsKey("server")) {
          // A database's server programs and their version, as it was started with them.
          out.printf(Locale.ROOT, "      server %s%n", s.attributes().get("server"));
        }
        for (ServiceState.Instance i : s.instances()) {
          if (s.attributes().containsKey("schedule")) {
            out.printf(Locale.ROOT, "      %-34s %s%n", i.id(), cron(s, schedules.get(i.id())));
            continue;
          }
          Protocol.ProcessStatus p = processes.get(i.id());
          out.printf(
              Locale.ROOT,
              "      %-34s port %-6d %s%n",
              i.id(),
              i.port(),
              p == null
                  ? "not running"
                  : p.state()
                      + (p.restarts() > 0 ? ", " + p.restarts() + " restarts" : "")
                      + (p.restarts() > 0 && p.ended() != null ? " (last: " + p.ended() + ")" : "")
                      + ", pid "
                      + p.pid());
        }
      }
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      return options.report(spec, e);
    }
  }

  private static String cron(ServiceState s, Protocol.ScheduleStatus j) {
    String schedule = "'" + s.attributes().get("schedule") + "'";
    if (j == null) {
      return schedule + ", not scheduled (apply repairs it)";
    }
    return schedule
        + " "
        + j.zone()
        + ", next "
        + j.next()
        + ", "
        + j.runs()
        + " run(s)"
        + (j.runningPid() != 0 ? ", running (pid " + j.runningPid() + ")" : "")
        + (j.lastOutcome() == null ? "" : ", last: " + j.lastOutcome());
  }

  /**
   * The status as one JSON document: the last release, whether the supervisor runs (local), and
   * each service with its instances (state, pid, restarts, how it last ended) or its schedule, and
   * a database with the server it was started with.
   */
  private int json(
      String environment,
      String target,
      History history,
      Boolean supervisor,
      Map<String, Protocol.ProcessStatus> processes,
      Map<String, Protocol.ScheduleStatus> schedules,
      Set<String> live) {
    History.Release last = history.releases().isEmpty() ? null : history.releases().getLast();
    List<Object> services = new ArrayList<>();
    for (ServiceState s : history.services().values()) {
      Map<String, Object> service =
          Json.object(
              "service", s.service(),
              "kind", s.kind(),
              "version", s.version(),
              "port", s.servicePort());
      if (s.attributes().containsKey("server")) {
        service.put("server", s.attributes().get("server")); // as the human status words it
      }
      if (s.attributes().containsKey("schedule")) {
        service.put("schedule", Json.list(s.instances(), i -> cronJson(s, schedules.get(i.id()))));
      } else {
        service.put("instances", Json.list(s.instances(), i -> instance(i, processes, live)));
      }
      services.add(service);
    }
    Map<String, Object> status =
        Json.object(
            "environment",
            environment,
            "target",
            target,
            "release",
            last == null ? null : Json.object("number", last.number(), "status", last.status()),
            "supervisor",
            supervisor == null ? null : supervisor ? "running" : "not running",
            "services",
            services);
    if (supervisor == null) {
      status.remove("supervisor");
    }
    var out = spec.commandLine().getOut();
    out.println(Json.write(status));
    out.flush();
    return 0;
  }

  private static Object instance(
      ServiceState.Instance i, Map<String, Protocol.ProcessStatus> processes, Set<String> live) {
    Protocol.ProcessStatus p = processes.get(i.id());
    Map<String, Object> fields = Json.object("id", i.id(), "port", i.port());
    if (p != null) {
      fields.putAll(
          Json.object(
              "state", p.state(),
              "pid", p.pid(),
              "restarts", p.restarts(),
              "ended", p.ended()));
    } else {
      fields.put("state", live.contains(i.id()) ? "running" : "not running");
    }
    return fields;
  }

  private static Object cronJson(ServiceState s, Protocol.ScheduleStatus j) {
    Map<String, Object> fields = Json.object("schedule", s.attributes().get("schedule"));
    if (j == null) {
      fields.put("state", "not scheduled");
      return fields;
    }
    fields.putAll(
        Json.object(
            "id", j.id(),
            "zone", j.zone(),
            "next", j.next(),
            "runs", j.runs(),
            "running_pid", j.runningPid() == 0 ? null : j.runningPid(),
            "last_outcome", j.lastOutcome()));
    return fields;
  }

  /** A cluster target: each service's workload, and whether the cluster has it. */
  private int cluster(Engine engine, String environment, History history) {
    var out = spec.commandLine().getOut();
    History.Release last = history.releases().isEmpty() ? null : history.releases().getLast();
    out.println(
        "environment "
            + environment
            + (last == null
                ? ": never deployed"
                : ": release " + last.number() + " " + last.status()));
    java.util.Set<String> live = history.services().isEmpty() ? java.util.Set.of() : engine.live();
    for (ServiceState s : history.services().values()) {
      out.printf(Locale.ROOT, "  %-14s %-12s %s%n", s.service(), s.kind(), s.version());
      for (ServiceState.Instance i : s.instances()) {
        out.printf(
            Locale.ROOT,
            "      %-34s %s%n",
            i.id(),
            live.contains(i.id()) ? "in the cluster" : "missing (apply repairs it)");
      }
    }
    out.flush();
    return 0;
  }
}
