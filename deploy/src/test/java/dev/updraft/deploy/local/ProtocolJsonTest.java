package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void readsAndWritesTheMessagesDataBindingWrote() throws IOException {
    // local/databind-messages.jsonl was written by the ObjectMapper the supervisor used before: a
    // supervisor left running by an earlier build and a new CLI still understand each other.
    List<String> lines = golden();
    List<Protocol.Request> requests = requests();
    List<Protocol.Response> responses = responses();
    assertThat(lines).hasSize(requests.size() + responses.size());
    for (int i = 0; i < requests.size(); i++) {
      assertThat(ProtocolJson.readRequest(lines.get(i))).isEqualTo(requests.get(i));
      assertThat(ProtocolJson.write(requests.get(i))).isEqualTo(lines.get(i));
    }
    for (int i = 0; i < responses.size(); i++) {
      String line = lines.get(requests.size() + i);
      assertThat(ProtocolJson.readResponse(line)).isEqualTo(responses.get(i));
      assertThat(ProtocolJson.write(responses.get(i))).isEqualTo(line);
    }
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
            true);
    return List.of(
        Protocol.Request.of("ping"),
        new Protocol.Request("start", process, null, null, null),
        new Protocol.Request("stop", null, "app-1a2b-1", 10_000L, null),
        new Protocol.Request("route", null, null, null, new Routing(services, routers)),
        new Protocol.Request("route", null, null, null, Routing.EMPTY));
  }

  private static List<Protocol.Response> responses() {
    List<Protocol.ProcessStatus> processes =
        List.of(
            new Protocol.ProcessStatus(
                "app-1a2b-1", "app", 4242, "running", 0, null, "/srv/logs/a.log", 4001),
            new Protocol.ProcessStatus(
                "db-1", "db", 0, "failed: exit 3", 5, 3, "/srv/logs/db.log", 0));
    return List.of(
        Protocol.Response.success(),
        Protocol.Response.error("op: x (expected: ping, start, stop, status, route, shutdown)"),
        new Protocol.Response(
            true,
            null,
            processes,
            new TreeMap<>(Map.of("router-web", 8090, "service-app", 8081)),
            40123));
  }
}
