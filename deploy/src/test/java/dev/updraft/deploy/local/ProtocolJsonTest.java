package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProtocolJsonTest {
  @Test
  void readsTheMessagesOfAnEarlierBuild() throws IOException {
    // local/databind-messages.jsonl was written by the ObjectMapper of an earlier build, whose
    // messages had fewer fields: a new engine reads what such a supervisor answers.
    List<String> lines = golden();
    List<Protocol.Request> requests = requests();
    List<Protocol.Response> responses = responses();
    assertThat(lines).hasSize(requests.size() + responses.size());
    for (int i = 0; i < requests.size(); i++) {
      assertThat(ProtocolJson.readRequest(lines.get(i))).isEqualTo(requests.get(i));
    }
    for (int i = 0; i < responses.size(); i++) {
      String line = lines.get(requests.size() + i);
      assertThat(ProtocolJson.readResponse(line)).isEqualTo(responses.get(i));
    }
  }

  @Test
  void everyMessageReadsBackAsWritten() throws IOException {
    for (Protocol.Request r : requests()) {
      assertThat(ProtocolJson.readRequest(ProtocolJson.write(r))).isEqualTo(r);
    }
    Protocol.ProcessSpec run =
        new Protocol.ProcessSpec(
            "tick-1a2b",
            "tick",
            List.of("bash", "-c", "bash tick.sh"),
            "/srv/t",
            Map.of("TZ", "UTC"),
            "/srv/logs/tick-1a2b.log",
            false,
            new Service.Resources("64Mi", 0.25));
    Protocol.Request schedule =
        Protocol.Request.schedule(new Protocol.ScheduleSpec(run, "@daily", "Europe/Paris", 60_000));
    assertThat(ProtocolJson.readRequest(ProtocolJson.write(schedule))).isEqualTo(schedule);
    Protocol.Response status =
        new Protocol.Response(
            true,
            null,
            List.of(),
            List.of(
                new Protocol.ScheduleStatus(
                    "tick-1a2b",
                    "tick",
                    "@daily",
                    "Europe/Paris",
                    "2026-12-02T00:00+01:00",
                    3,
                    0,
                    "2026-12-01T23:00:00Z",
                    RunEnd.parse("failed (exit 2)"),
                    2,
                    "/srv/logs/tick-1a2b.log")),
            Map.of(),
            40123,
            "resources are not enforced on this machine: no cgroups",
            "0123456789abcdef");
    assertThat(ProtocolJson.readResponse(ProtocolJson.write(status))).isEqualTo(status);
    Protocol.Response health =
        new Protocol.Response(
            true,
            null,
            List.of(
                new Protocol.ProcessStatus(
                    "app-1a2b-1",
                    "app",
                    4242,
                    ProcessState.RUNNING,
                    1,
                    137,
                    "/srv/logs/a.log",
                    4001,
                    "exit 137",
                    1_764_000_000_000L,
                    "ejected by the router")),
            List.of(),
            Map.of(),
            40123,
            null,
            "0123456789abcdef");
    assertThat(ProtocolJson.readResponse(ProtocolJson.write(health))).isEqualTo(health);
    Protocol.Request timed =
        Protocol.Request.route(
            new Routing(
                Map.of(),
                Map.of(
                    "web", new Routing.RouterEntry(8090, List.of(), Map.of("/", "app"), 1500L))));
    assertThat(ProtocolJson.readRequest(ProtocolJson.write(timed))).isEqualTo(timed);
    Protocol.Request meshed =
        Protocol.Request.route(
            new Routing(
                Map.of(
                    "web",
                    new Routing.ServiceEntry(
                        8081, List.of("127.0.0.1:4001"), Map.of("catalog", 4100), List.of()),
                    "catalog",
                    new Routing.ServiceEntry(
                        8082, List.of("127.0.0.1:4002"), null, List.of("web"))),
                Map.of(),
                "shop"));
    assertThat(ProtocolJson.readRequest(ProtocolJson.write(meshed))).isEqualTo(meshed);
  }

  @Test
  void requestsLeaveOutWhatIsNotSet() {
    // Read by supervisors of every build: an engine can tell one of another build to shut down.
    assertThat(ProtocolJson.write(Protocol.Request.of(Protocol.Op.SHUTDOWN)))
        .isEqualTo("{\"op\":\"shutdown\"}");
    assertThat(ProtocolJson.write(Protocol.Request.stop("a-1", 500)))
        .isEqualTo("{\"op\":\"stop\",\"id\":\"a-1\",\"graceMillis\":500}");
  }

  @Test
  void rejectsUnknownFieldsAndWrongTypes() {
    assertThatThrownBy(() -> ProtocolJson.readRequest("{\"op\":\"ping\",\"extra\":1}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unknown field extra");
    assertThatThrownBy(
            () -> ProtocolJson.readResponse("{\"ok\":true,\"processes\":[{\"pid\":1,\"x\":2}]}"))
        .hasMessageContaining("unknown field x");
    assertThatThrownBy(() -> ProtocolJson.readResponse("{\"ok\":\"yes\"}"))
        .hasMessageContaining("ok: yes (expected: boolean)");
    assertThatThrownBy(() -> ProtocolJson.readResponse("{\"ok\":tr"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void everyOpIsWrittenAsTheWordEarlierSupervisorsReadAndAnUnknownOneIsNamed() throws IOException {
    assertThat(Protocol.Op.values())
        .extracting(op -> ProtocolJson.write(Protocol.Request.of(op)))
        .containsExactly(
            "{\"op\":\"ping\"}",
            "{\"op\":\"status\"}",
            "{\"op\":\"start\"}",
            "{\"op\":\"stop\"}",
            "{\"op\":\"route\"}",
            "{\"op\":\"schedule\"}",
            "{\"op\":\"trigger\"}",
            "{\"op\":\"shutdown\"}",
            "{\"op\":\"halt\"}");
    for (Protocol.Op op : Protocol.Op.values()) {
      assertThat(ProtocolJson.readRequest("{\"op\":\"" + op.word() + "\"}").op()).isEqualTo(op);
    }
    String expected =
        "(expected one of [ping, status, start, stop, route, schedule, trigger, shutdown, halt])";
    assertThatThrownBy(() -> ProtocolJson.readRequest("{\"op\":\"reboot\"}"))
        .isInstanceOf(IOException.class)
        .hasMessage("op: reboot " + expected);
    assertThatThrownBy(() -> ProtocolJson.readRequest("{\"op\":\"PING\"}"))
        .hasMessage("op: PING " + expected);
    assertThatThrownBy(() -> ProtocolJson.readRequest("{\"id\":\"a\"}"))
        .isInstanceOf(IOException.class)
        .hasMessage("op: null " + expected);
  }

  @Test
  void aRunsEndIsThePhraseOnTheWireAndInTheTable() throws IOException {
    List<RunEnd> ends =
        List.of(
            RunEnd.SUCCEEDED,
            new RunEnd(RunEnd.Phase.FAILED, "exit 137, killed: out of memory (limit 64Mi)"),
            new RunEnd(RunEnd.Phase.NOT_STARTED, "No such file"),
            new RunEnd(RunEnd.Phase.TIMED_OUT, "30s"),
            new RunEnd(RunEnd.Phase.SKIPPED, "2026-12-07T05:00:00Z"),
            new RunEnd(RunEnd.Phase.ADOPTED, ""),
            new RunEnd(RunEnd.Phase.ADOPTED, "; killed: out of memory (limit 64Mi)"));
    assertThat(ends)
        .extracting(RunEnd::word)
        .containsExactly(
            "succeeded",
            "failed (exit 137, killed: out of memory (limit 64Mi))",
            "failed to start: No such file",
            "timed out after 30s",
            "skipped at 2026-12-07T05:00:00Z: the previous run is still going",
            "ended (exit code unknown: run adopted)",
            "ended (exit code unknown: run adopted; killed: out of memory (limit 64Mi))");
    for (RunEnd end : ends) {
      assertThat(RunEnd.parse(end.word())).isEqualTo(end);
    }
    assertThat(RunEnd.parse("succeeded").succeeded()).isTrue();
    assertThat(ends.subList(1, ends.size())).noneMatch(RunEnd::succeeded);
    // A phrase of another build is kept as it came, and is no success.
    assertThat(RunEnd.parse("cancelled by the operator"))
        .isEqualTo(new RunEnd(RunEnd.Phase.UNKNOWN, "cancelled by the operator"));
    assertThat(RunEnd.parse("failed (")).extracting(RunEnd::phase).isEqualTo(RunEnd.Phase.UNKNOWN);
    assertThat(RunEnd.parse(null)).isNull();
    assertThatThrownBy(() -> new RunEnd(RunEnd.Phase.FAILED, null))
        .hasMessage("detail: null (expected: a detail for FAILED)");
  }

  private static List<String> golden() throws IOException {
    try (InputStream in =
        ProtocolJsonTest.class.getResourceAsStream("/local/databind-messages.jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static List<Protocol.Request> requests() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin");
    env.put("PORT", "4001");
    env.put("QUOTE", "say \"hi\"\n");
    Map<String, Routing.ServiceEntry> services = new LinkedHashMap<>();
    services.put(
        "app", new Routing.ServiceEntry(8081, List.of("127.0.0.1:4001", "127.0.0.1:4002")));
    services.put("idle", new Routing.ServiceEntry(8082, List.of()));
    Map<String, String> routes = new LinkedHashMap<>();
    routes.put("/api", "app");
    routes.put("/", "app");
    Map<String, Routing.RouterEntry> routers =
        Map.of("web", new Routing.RouterEntry(8090, List.of("shop.local"), routes));
    Protocol.ProcessSpec process =
        new Protocol.ProcessSpec(
            "app-1a2b-1",
            "app",
            List.of("bash", "-c", "exec java -cp out Hello"),
            "/srv/a",
            env,
            "/srv/logs/app-1a2b-1.log",
            true,
            null);
    return List.of(
        Protocol.Request.of(Protocol.Op.PING),
        Protocol.Request.start(process),
        Protocol.Request.stop("app-1a2b-1", 10_000L),
        Protocol.Request.route(new Routing(services, routers)),
        Protocol.Request.route(Routing.EMPTY));
  }

  private static List<Protocol.Response> responses() {
    List<Protocol.ProcessStatus> processes =
        List.of(
            new Protocol.ProcessStatus(
                "app-1a2b-1",
                "app",
                4242,
                ProcessState.RUNNING,
                0,
                null,
                "/srv/logs/a.log",
                4001,
                null,
                0,
                null),
            new Protocol.ProcessStatus(
                "db-1",
                "db",
                0,
                ProcessState.failed("exit 3"),
                5,
                3,
                "/srv/logs/db.log",
                0,
                null,
                0,
                null));
    // As read from an earlier build: no schedules, no word on resources, no build id.
    return List.of(
        new Protocol.Response(true, null, null, null, null, null, null, null),
        new Protocol.Response(
            false,
            "op: x (expected: ping, start, stop, status, route, shutdown)",
            null,
            null,
            null,
            null,
            null,
            null),
        new Protocol.Response(
            true,
            null,
            processes,
            null,
            new TreeMap<>(Map.of("router-web", 8090, "service-app", 8081)),
            40123,
            null,
            null));
  }
}
