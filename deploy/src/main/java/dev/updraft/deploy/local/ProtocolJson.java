package dev.updraft.deploy.local;

import dev.updraft.deploy.json.Json;
import dev.updraft.deploy.json.JsonObject;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The supervisor's messages as JSON lines: every field of the record, in order, nulls written out;
 * a field the record does not have is an error (each side is the same build, or a supervisor left
 * running by an earlier one, whose messages are the same).
 */
final class ProtocolJson {
  private static final Set<String> REQUEST =
      Set.of("op", "process", "id", "graceMillis", "routing");
  private static final Set<String> PROCESS =
      Set.of("id", "service", "command", "cwd", "env", "log", "restart");
  private static final Set<String> ROUTING = Set.of("services", "routers");
  private static final Set<String> SERVICE = Set.of("port", "endpoints");
  private static final Set<String> ROUTER = Set.of("port", "hosts", "routes");
  private static final Set<String> RESPONSE =
      Set.of("ok", "error", "processes", "listeners", "adminPort");
  private static final Set<String> STATUS =
      Set.of("id", "service", "pid", "state", "restarts", "lastExit", "log", "port");

  private ProtocolJson() {}

  static String write(Protocol.Request r) {
    return Json.write(
        Json.object(
            "op", r.op(),
            "process", process(r.process()),
            "id", r.id(),
            "graceMillis", r.graceMillis(),
            "routing", routing(r.routing())));
  }

  static String write(Protocol.Response r) {
    return Json.write(
        Json.object(
            "ok", r.ok(),
            "error", r.error(),
            "processes", Json.list(r.processes(), ProtocolJson::status),
            "listeners", r.listeners(),
            "adminPort", r.adminPort()));
  }

  static Protocol.Request readRequest(String line) throws IOException {
    JsonObject o = Json.parse(line).only(REQUEST);
    JsonObject process = o.object("process");
    JsonObject routing = o.object("routing");
    return new Protocol.Request(
        o.string("op"),
        process == null ? null : process(process),
        o.string("id"),
        o.longObject("graceMillis"),
        routing == null ? null : routing(routing));
  }

  static Protocol.Response readResponse(String line) throws IOException {
    JsonObject o = Json.parse(line).only(RESPONSE);
    return new Protocol.Response(
        o.bool("ok"),
        o.string("error"),
        o.objects("processes", ProtocolJson::status),
        o.integerMap("listeners"),
        o.integer("adminPort"));
  }

  private static Map<String, Object> status(Protocol.ProcessStatus p) {
    return Json.object(
        "id", p.id(),
        "service", p.service(),
        "pid", p.pid(),
        "state", p.state(),
        "restarts", p.restarts(),
        "lastExit", p.lastExit(),
        "log", p.log(),
        "port", p.port());
  }

  private static Protocol.ProcessStatus status(JsonObject o) throws IOException {
    o.only(STATUS);
    return new Protocol.ProcessStatus(
        o.string("id"),
        o.string("service"),
        Objects.requireNonNullElse(o.longObject("pid"), 0L),
        o.string("state"),
        o.intValue("restarts"),
        o.integer("lastExit"),
        o.string("log"),
        o.intValue("port"));
  }

  private static Map<String, Object> process(Protocol.ProcessSpec p) {
    return p == null
        ? null
        : Json.object(
            "id", p.id(),
            "service", p.service(),
            "command", p.command(),
            "cwd", p.cwd(),
            "env", p.env(),
            "log", p.log(),
            "restart", p.restart());
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
        o.bool("restart"));
  }

  private static Map<String, Object> routing(Routing r) {
    return r == null
        ? null
        : Json.object(
            "services",
            Json.map(r.services(), s -> Json.object("port", s.port(), "endpoints", s.endpoints())),
            "routers",
            Json.map(
                r.routers(),
                t -> Json.object("port", t.port(), "hosts", t.hosts(), "routes", t.routes())));
  }

  private static Routing routing(JsonObject o) throws IOException {
    o.only(ROUTING);
    return new Routing(
        o.objectMap(
            "services",
            s ->
                new Routing.ServiceEntry(s.only(SERVICE).intValue("port"), s.strings("endpoints"))),
        o.objectMap(
            "routers",
            t ->
                new Routing.RouterEntry(
                    t.only(ROUTER).intValue("port"), t.strings("hosts"), t.stringMap("routes"))));
  }
}
