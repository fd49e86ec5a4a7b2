package dev.updraft.deploy.local;

import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.json.JsonObject;
import dev.updraft.deploy.json.Word;
import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The supervisor's messages as JSON lines: the fields of the record, in order (a request leaves out
 * its null ones); a field the record does not have is an error. A message without a field reads as
 * null there, so messages of earlier builds, with fewer fields, are read; an engine that finds a
 * supervisor of another build replaces it (see {@link SupervisorClient#ensure}).
 */
final class ProtocolJson {
  private static final Set<String> REQUEST =
      Set.of("op", "process", "id", "graceMillis", "routing", "schedule");
  private static final Set<String> PROCESS =
      Set.of("id", "service", "command", "cwd", "env", "log", "restart", "resources");
  private static final Set<String> RESOURCES = Set.of("memory", "cpu");
  private static final Set<String> SCHEDULE = Set.of("run", "cron", "zone", "timeoutMillis");
  private static final Set<String> SCHEDULE_STATUS =
      Set.of(
          "id",
          "service",
          "cron",
          "zone",
          "next",
          "runs",
          "runningPid",
          "lastStarted",
          "lastOutcome",
          "lastExit",
          "log");
  private static final Set<String> ROUTING = Set.of("services", "routers", "environment");
  private static final Set<String> SERVICE = Set.of("port", "endpoints", "outbound", "allow");
  private static final Set<String> ROUTER = Set.of("port", "hosts", "routes", "timeoutMillis");
  private static final Set<String> RESPONSE =
      Set.of(
          "ok", "error", "processes", "schedules", "listeners", "adminPort", "unenforced", "build");
  private static final Set<String> STATUS =
      Set.of(
          "id",
          "service",
          "pid",
          "state",
          "restarts",
          "lastExit",
          "log",
          "port",
          "ended",
          "startedMillis",
          "ejected");

  private ProtocolJson() {}

  static String write(Protocol.Request r) {
    // Fields left out when null: {"op":"shutdown"} is read by supervisors of every build, also
    // those whose requests had fewer fields, so that an engine can replace one of another build.
    Map<String, Object> fields =
        Json.object(
            "op", r.op().word(),
            "process", process(r.process()),
            "id", r.id(),
            "graceMillis", r.graceMillis(),
            "routing", routing(r.routing()),
            "schedule", schedule(r.schedule()));
    fields.values().removeIf(Objects::isNull);
    return Json.write(fields);
  }

  static String write(Protocol.Response r) {
    return Json.write(
        Json.object(
            "ok", r.ok(),
            "error", r.error(),
            "processes", Json.list(r.processes(), ProtocolJson::status),
            "schedules", Json.list(r.schedules(), ProtocolJson::schedule),
            "listeners", r.listeners(),
            "adminPort", r.adminPort(),
            "unenforced", r.unenforced(),
            "build", r.build()));
  }

  static Protocol.Request readRequest(String line) throws IOException {
    JsonObject o = Json.parse(line).only(REQUEST);
    JsonObject process = o.object("process");
    JsonObject routing = o.object("routing");
    JsonObject schedule = o.object("schedule");
    Protocol.Op op = o.word("op", Protocol.Op.class);
    if (op == null) {
      throw new IOException("op: null (expected one of " + Word.words(Protocol.Op.class) + ")");
    }
    return new Protocol.Request(
        op,
        process == null ? null : process(process),
        o.string("id"),
        o.longObject("graceMillis"),
        routing == null ? null : routing(routing),
        schedule == null ? null : scheduleSpec(schedule));
  }

  static Protocol.Response readResponse(String line) throws IOException {
    JsonObject o = Json.parse(line).only(RESPONSE);
    return new Protocol.Response(
        o.bool("ok"),
        o.string("error"),
        o.objects("processes", ProtocolJson::status),
        o.objects("schedules", ProtocolJson::scheduleStatus),
        o.integerMap("listeners"),
        o.integer("adminPort"),
        o.string("unenforced"),
        o.string("build"));
  }

  private static Map<String, Object> status(Protocol.ProcessStatus p) {
    return Json.object(
        "id", p.id(),
        "service", p.service(),
        "pid", p.pid(),
        "state", p.state() == null ? null : p.state().word(),
        "restarts", p.restarts(),
        "lastExit", p.lastExit(),
        "log", p.log(),
        "port", p.port(),
        "ended", p.ended(),
        "startedMillis", p.startedMillis(),
        "ejected", p.ejected());
  }

  private static Protocol.ProcessStatus status(JsonObject o) throws IOException {
    o.only(STATUS);
    return new Protocol.ProcessStatus(
        o.string("id"),
        o.string("service"),
        Objects.requireNonNullElse(o.longObject("pid"), 0L),
        ProcessState.parse(o.string("state")),
        o.intValue("restarts"),
        o.integer("lastExit"),
        o.string("log"),
        o.intValue("port"),
        o.string("ended"),
        Objects.requireNonNullElse(o.longObject("startedMillis"), 0L),
        o.string("ejected"));
  }

  private static Map<String, Object> process(Protocol.ProcessSpec p) {
    return p == null
        ? null
        : Json.object(
            "id",
            p.id(),
            "service",
            p.service(),
            "command",
            p.command(),
            "cwd",
            p.cwd(),
            "env",
            p.env(),
            "log",
            p.log(),
            "restart",
            p.restart(),
            "resources",
            p.resources() == null
                ? null
                : Json.object("memory", p.resources().memory(), "cpu", p.resources().cpu()));
  }

  private static Protocol.ProcessSpec process(JsonObject o) throws IOException {
    o.only(PROCESS);
    return new Protocol.ProcessSpec(
        o.string("id"),
        o.string("service"),
        o.strings("command"),
        o.string("cwd"),
        o.stringMap("env"),
        o.string("log"),
        o.bool("restart"),
        resources(o.object("resources")));
  }

  private static Service.Resources resources(JsonObject o) throws IOException {
    return o == null
        ? null
        : new Service.Resources(o.only(RESOURCES).string("memory"), o.doubleObject("cpu"));
  }

  private static Map<String, Object> schedule(Protocol.ScheduleSpec s) {
    return s == null
        ? null
        : Json.object(
            "run", process(s.run()),
            "cron", s.cron(),
            "zone", s.zone(),
            "timeoutMillis", s.timeoutMillis());
  }

  private static Protocol.ScheduleSpec scheduleSpec(JsonObject o) throws IOException {
    o.only(SCHEDULE);
    JsonObject run = o.object("run");
    return new Protocol.ScheduleSpec(
        run == null ? null : process(run),
        o.string("cron"),
        o.string("zone"),
        Objects.requireNonNullElse(o.longObject("timeoutMillis"), 0L));
  }

  private static Map<String, Object> schedule(Protocol.ScheduleStatus j) {
    return Json.object(
        "id", j.id(),
        "service", j.service(),
        "cron", j.cron(),
        "zone", j.zone(),
        "next", j.next(),
        "runs", j.runs(),
        "runningPid", j.runningPid(),
        "lastStarted", j.lastStarted(),
        "lastOutcome", j.lastOutcome() == null ? null : j.lastOutcome().word(),
        "lastExit", j.lastExit(),
        "log", j.log());
  }

  private static Protocol.ScheduleStatus scheduleStatus(JsonObject o) throws IOException {
    o.only(SCHEDULE_STATUS);
    return new Protocol.ScheduleStatus(
        o.string("id"),
        o.string("service"),
        o.string("cron"),
        o.string("zone"),
        o.string("next"),
        o.intValue("runs"),
        Objects.requireNonNullElse(o.longObject("runningPid"), 0L),
        o.string("lastStarted"),
        RunEnd.parse(o.string("lastOutcome")),
        o.integer("lastExit"),
        o.string("log"));
  }

  private static Map<String, Object> routing(Routing r) {
    return r == null
        ? null
        : Json.object(
            "services",
            Json.map(
                r.services(),
                s ->
                    Json.object(
                        "port",
                        s.port(),
                        "endpoints",
                        s.endpoints(),
                        "outbound",
                        s.outbound(),
                        "allow",
                        s.allow())),
            "routers",
            Json.map(
                r.routers(),
                t ->
                    Json.object(
                        "port",
                        t.port(),
                        "hosts",
                        t.hosts(),
                        "routes",
                        t.routes(),
                        "timeoutMillis",
                        t.timeoutMillis())),
            "environment",
            r.environment());
  }

  private static Routing routing(JsonObject o) throws IOException {
    o.only(ROUTING);
    return new Routing(
        o.objectMap(
            "services",
            s ->
                new Routing.ServiceEntry(
                    s.only(SERVICE).intValue("port"),
                    s.strings("endpoints"),
                    s.integerMap("outbound"),
                    s.strings("allow"))),
        o.objectMap(
            "routers",
            t ->
                new Routing.RouterEntry(
                    t.only(ROUTER).intValue("port"),
                    t.strings("hosts"),
                    t.stringMap("routes"),
                    t.longObject("timeoutMillis"))),
        o.string("environment"));
  }
}
