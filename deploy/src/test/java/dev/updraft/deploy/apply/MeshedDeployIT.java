package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.local.Observation;
import dev.updraft.sys.testing.NeedsProgram;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's "every updraft deploy service meshed", on the local target: a router in front of
 * {@code web}, which calls {@code catalog} through {@code ${catalog.url}}. Nothing in the spec asks
 * for the mesh; every hop is mutual TLS with the identities the supervisor issued, {@code allow:}
 * refuses a caller with 403, and neither a rolling update nor certificate renewals (6 s
 * certificates here) fail a request.
 */
@NeedsProgram(value = "python3", debian = "python3")
@NeedsProgram(value = "openssl", debian = "openssl")
class MeshedDeployIT {
  private static final String SUFFIX = ".meshed.serviceaccount.identity.updraft.cluster.local";

  private static final String CATALOG =
      """
      import http.server, os

      class Handler(http.server.BaseHTTPRequestHandler):
          protocol_version = "HTTP/1.1"

          def do_GET(self):
              client = self.headers.get("l5d-client-id", "none")
              body = ("catalog %s client=%s\\n" % (os.environ["VERSION"], client)).encode()
              self.send_response(200)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)

          def log_message(self, *args):
              pass

      http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
      """;

  private static final String WEB =
      """
      import http.server, os, urllib.error, urllib.request

      class Handler(http.server.BaseHTTPRequestHandler):
          protocol_version = "HTTP/1.1"

          def do_GET(self):
              if self.path == "/health":
                  code, body = 200, b"ok\\n"
              else:
                  try:
                      with urllib.request.urlopen(os.environ["CATALOG"] + "/item", timeout=10) as r:
                          code, body = 200, b"web via " + r.read()
                  except urllib.error.HTTPError as e:
                      error = e.headers.get("l5d-proxy-error", "")
                      code, body = 502, ("catalog answered %d %s\\n" % (e.code, error)).encode()
                  except Exception as e:
                      code, body = 502, ("catalog failed: %s\\n" % e).encode()
              self.send_response(code)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)

          def log_message(self, *args):
              pass

      http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
      """;

  @TempDir Path dir;
  private Path spec;
  private int port;
  private final List<Event> events = Shops.events();

  @BeforeEach
  void writeEnvironment() throws Exception {
    Files.createDirectories(dir.resolve("web"));
    Files.createDirectories(dir.resolve("catalog"));
    Files.writeString(dir.resolve("web/server.py"), WEB);
    Files.writeString(dir.resolve("catalog/server.py"), CATALOG);
    port = Shops.freePort();
    spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: meshed
        applications:
          catalog:
            path: ./catalog
            command: python3 server.py
            instances: 2
            env: {VERSION: "1"}
            health: {path: /health}
          web:
            path: ./web
            command: python3 server.py
            env: {CATALOG: "${catalog.url}"}
            health: {path: /health}
        routers:
          front:
            port: %d
            routes:
              - {path: /, service: web}
        """
            .formatted(port));
    System.setProperty("updraft.mesh.certLifetime", "6");
  }

  @AfterEach
  void destroy() {
    System.clearProperty("updraft.mesh.certLifetime");
    Shops.destroy(spec, events);
  }

  @Test
  void everyHopIsMutualTlsAllowRefusesAndUpdatesAndRenewalsFailNoRequest() throws Exception {
    Engine engine = Shops.engine(spec, events);
    engine.apply();
    Path data = dir.resolve(".updraft/meshed");

    // web -> catalog went through both proxies: catalog's proxy names web's proven identity.
    HttpResponse<String> first = Shops.get(port, "/");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("web via catalog 1 client=web" + SUFFIX + "\n");

    Map<String, Integer> listeners = Observation.of(data).listeners();
    int inbound =
        listeners.entrySet().stream()
            .filter(e -> e.getKey().startsWith("mesh-catalog-inbound-"))
            .findFirst()
            .orElseThrow()
            .getValue();

    // Plaintext to an instance's inbound port is refused: only meshed identities are admitted.
    HttpResponse<String> plain = Shops.get(inbound, "/item");
    assertThat(plain.statusCode()).isEqualTo(403);
    assertThat(plain.headers().firstValue("l5d-proxy-error")).isPresent();

    // openssl verifies the instance's chain under the environment's anchors, for its identity.
    String served = sClient(inbound, "catalog" + SUFFIX, data.resolve("identity/anchors.pem"));
    assertThat(served).contains("Verify return code: 0 (ok)");
    assertThat(leaf(served)).isNotEmpty();
    assertThat(Files.getPosixFilePermissions(data.resolve("identity/issuer-key.pem")).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    assertThat(Files.readString(data.resolve("identity/issuer-key.pem"))).startsWith("sealed:");

    String metrics = Shops.get(listeners.get("mesh-catalog-admin"), "/metrics").body();
    assertThat(metrics)
        .contains("tls=\"true\",client_id=\"web" + SUFFIX + "\"")
        .contains("tcp_detect_protocol_total{direction=\"inbound\",protocol=\"mesh-tls\"}")
        .containsPattern(
            "request_total\\{direction=\"inbound\",[^}]*tls=\"true\",client_id=\"web"
                + SUFFIX.replace(".", "\\.")
                + "\"");
    assertThat(Shops.get(listeners.get("mesh-web-admin"), "/metrics").body())
        .containsPattern(
            "response_total\\{direction=\"outbound\",target_addr=\"catalog\",[^}]*tls=\"true\","
                + "client_id=\"\",server_id=\"catalog"
                + SUFFIX.replace(".", "\\.")
                + "\",status_code=\"200\"");

    // A rolling update of catalog under load, with certificates renewed every few seconds.
    Tally tally = new Tally();
    try (Load _ = Load.start(4, tally.get(port))) {
      Thread.sleep(1000);
      Shops.replace(spec, "VERSION: \"1\"", "VERSION: \"2\"");
      engine.apply();
      Thread.sleep(7000); // more than a certificate's lifetime: every proxy renewed meanwhile
    }
    assertThat(tally.failures()).as("failed requests during the update").isEmpty();
    assertThat(tally.answers())
        .contains(
            "200 web via catalog 1 client=web" + SUFFIX + "\n",
            "200 web via catalog 2 client=web" + SUFFIX + "\n");
    String renewed =
        sClient(
            Observation.of(data).listeners().entrySet().stream()
                .filter(e -> e.getKey().startsWith("mesh-catalog-inbound-"))
                .findFirst()
                .orElseThrow()
                .getValue(),
            "catalog" + SUFFIX,
            data.resolve("identity/anchors.pem"));
    assertThat(renewed).contains("Verify return code: 0 (ok)");
    assertThat(leaf(renewed)).isNotEqualTo(leaf(served));

    // allow: names who may call catalog; web is not among them.
    Shops.replace(spec, "    instances: 2\n", "    instances: 2\n    allow: []\n");
    engine.apply();
    HttpResponse<String> denied = Shops.get(port, "/");
    assertThat(denied.statusCode()).isEqualTo(502);
    assertThat(denied.body()).startsWith("catalog answered 403 ");
    int deniedPort =
        Observation.of(data).listeners().entrySet().stream()
            .filter(e -> e.getKey().equals("mesh-catalog-admin"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertThat(Shops.get(deniedPort, "/metrics").body())
        .contains("inbound_http_authz_deny_total{")
        .contains("client_id=\"web" + SUFFIX + "\"");
  }

  /** What {@code openssl s_client} says of the TLS at {@code port}, asking for {@code sni}. */
  private static String sClient(int port, String sni, Path anchors) throws Exception {
    Process p =
        new ProcessBuilder(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                sni,
                "-CAfile",
                anchors.toString(),
                "-verify_return_error",
                "-verify_hostname",
                sni)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  /** The leaf certificate's PEM block in s_client's output. */
  private static String leaf(String sClient) {
    int from = sClient.indexOf("-----BEGIN CERTIFICATE-----");
    int to = sClient.indexOf("-----END CERTIFICATE-----");
    return from < 0 || to < 0 ? "" : sClient.substring(from, to);
  }
}
