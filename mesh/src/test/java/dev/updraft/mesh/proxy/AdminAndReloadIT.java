package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestProxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminAndReloadIT {
  @TempDir Path dir;

  @Test
  void adminServesLinkerdFamiliesReadinessAndLoopbackShutdown() throws Exception {
    try (TestBackend backend = TestBackend.fixed(200, "ok", 0);
        TestProxy proxy = TestProxy.explicit(backend.address())) {
      proxy.get("/");
      String metrics = proxy.metrics();
      for (String family :
          List.of(
              "request_total",
              "response_total",
              "response_latency_ms_bucket",
              "tcp_open_total",
              "tcp_open_connections",
              "tcp_read_bytes_total",
              "tcp_write_bytes_total",
              "tcp_close_total",
              "outbound_http_balancer_endpoints",
              "outbound_http_balancer_endpoint_breaker_state")) {
        assertThat(metrics).as(family).contains("\n" + family + "{");
      }
      assertThat(status(proxy, "GET", "/ready")).isEqualTo(200);
      assertThat(status(proxy, "GET", "/live")).isEqualTo(200);
      assertThat(status(proxy, "GET", "/shutdown")).isEqualTo(405);
      assertThat(status(proxy, "POST", "/shutdown")).isEqualTo(200);
      proxy.proxy().terminated().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void workingsShowEndpointsBreakersLatencyAndRetryBudgetsAsJson() throws Exception {
    try (TestBackend backend = TestBackend.fixed(200, "ok", 0);
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                listeners:
                  - name: proxy
                    address: 127.0.0.1:0
                    routes:
                      - {name: api, match: {pathPrefix: /api}, backends: [{name: b}], retry: {limit: 2}}
                      - {name: rest, backends: [{name: b}]}
                backends: [{name: b, endpoints: ["%s"]}]
                """
                    .formatted(backend.address()))) {
      for (int i = 0; i < 3; i++) {
        proxy.get("/api/x");
      }
      HttpResponse<String> response =
          proxy
              .client()
              .send(
                  HttpRequest.newBuilder(proxy.admin("/workings")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
      JsonNode workings = new ObjectMapper().readTree(response.body());
      JsonNode endpoint = workings.at("/backends/0/endpoints/0");
      assertThat(workings.at("/backends/0/name").asText()).isEqualTo("b");
      assertThat(endpoint.get("address").asText()).isEqualTo(backend.address());
      assertThat(endpoint.get("ready").asBoolean()).isTrue();
      assertThat(endpoint.get("breaker").asText()).isEqualTo("closed");
      assertThat(endpoint.get("ewmaMillis").asDouble()).isPositive();
      JsonNode api = workings.at("/routes/0");
      assertThat(api.get("listener").asText()).isEqualTo("proxy");
      assertThat(api.get("name").asText()).isEqualTo("api");
      assertThat(api.get("backends").get(0).asText()).isEqualTo("b");
      assertThat(api.get("retryLimit").asInt()).isEqualTo(2);
      assertThat(api.get("retryBudget").asLong()).isPositive();
      assertThat(workings.at("/routes/1/retryBudget").asLong()).as("no retries").isZero();
    }
  }

  @Test
  @SuppressWarnings("try") // the watcher works in the background for the try block's duration
  void configChangesAreAppliedAndBrokenOnesIgnored() throws Exception {
    try (TestBackend one = TestBackend.fixed(200, "one", 0);
        TestBackend two = TestBackend.fixed(200, "two", 0)) {
      Path file = dir.resolve("mesh.yaml");
      String template =
          """
          admin: 127.0.0.1:0
          listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
          backends: [{name: b, endpoints: ["%s"]}]
          """;
      Files.writeString(file, template.formatted(one.address()));
      try (TestProxy proxy = TestProxy.start(Files.readString(file))) {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher =
            new ConfigWatcher(
                file, proxy.proxy(), Duration.ofMillis(50), loaded -> loaded, reports::add)) {
          assertThat(proxy.get("/").body()).isEqualTo("one");
          // Written, then touched: two modification times, one new version, one reload.
          Files.writeString(file, template.formatted(two.address()));
          Files.setLastModifiedTime(
              file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
          await(() -> !reports.isEmpty());
          assertThat(reports.getFirst()).contains("reloaded");
          assertThat(proxy.get("/").body()).isEqualTo("two");

          Files.writeString(file, "backends: [{name: b, endpoints: []}]\n");
          Files.setLastModifiedTime(
              file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 4000));
          await(() -> reports.size() > 1);
          assertThat(reports).hasSize(2);
          assertThat(reports.get(1)).contains("kept the previous configuration");
          assertThat(proxy.get("/").body()).isEqualTo("two");
        }
      }
      assertThatThrownBy(() -> ConfigFile.load(file)).hasMessageContaining("endpoints");
    }
  }

  @Test
  void aListenerWhosePortIsTakenFailsClearlyAndIsBoundOnceItIsFree() throws Exception {
    try (TestBackend backend = TestBackend.fixed(200, "ok", 0);
        TestProxy proxy = TestProxy.explicit(backend.address())) {
      java.net.ServerSocket squatter =
          new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      int taken = squatter.getLocalPort();
      String text =
          """
          admin: 127.0.0.1:0
          eventLoops: 2
          listeners:
            - {name: proxy, address: "127.0.0.1:0", backend: b}
            - {name: taken, address: "127.0.0.1:%d", backend: b}
            - {name: free, address: "127.0.0.1:0", backend: b}
          backends: [{name: b, endpoints: ["%s"]}]
          """
              .formatted(taken, backend.address());
      try {
        assertThatThrownBy(() -> proxy.proxy().reload(ConfigFile.parse("mesh.yaml", text)))
            .isInstanceOf(dev.updraft.mesh.config.MeshConfigException.class)
            .hasMessage(
                "listener taken: cannot listen on 127.0.0.1:"
                    + taken
                    + ": the address is in use (another program listens there)");
        assertThat(proxy.proxy().listenerAddresses())
            .as("the others are bound")
            .containsKeys("proxy", "free")
            .doesNotContainKey("taken");
      } finally {
        squatter.close();
      }
      proxy.proxy().reload(ConfigFile.parse("mesh.yaml", text));
      assertThat(proxy.proxy().address("taken").getPort()).isEqualTo(taken);
    }
  }

  private static int status(TestProxy proxy, String method, String path) throws Exception {
    HttpResponse<String> response =
        proxy
            .client()
            .send(
                HttpRequest.newBuilder(proxy.admin(path))
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }
}
