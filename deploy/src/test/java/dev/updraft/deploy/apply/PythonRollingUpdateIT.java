package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Event;
import dev.updraft.sys.testing.NeedsProgram;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh issue's acceptance test, with a backend that was not written for updraft: Python's
 * {@code http.server} speaking HTTP/1.1 with keep-alive (so the router reuses its connections, the
 * case where a body-less GET once gained a chunked body), behind a local router, replaced instance
 * by instance while clients keep sending requests. Python answers 400 to anything it cannot read as
 * one request, and this server also refuses a GET that arrives with body framing, so a changed
 * request shows as a failure here.
 */
@NeedsProgram(value = "python3", debian = "python3")
class PythonRollingUpdateIT {
  private static final String SERVER =
      """
      import http.server, os

      class Handler(http.server.BaseHTTPRequestHandler):
          protocol_version = "HTTP/1.1"

          def do_GET(self):
              framed = [h for h in ("Transfer-Encoding", "Content-Length") if h in self.headers]
              if framed:
                  code, body = 400, ("GET with " + ",".join(framed) + "\\n").encode()
              else:
                  code, body = 200, ("version " + os.environ["VERSION"] + "\\n").encode()
              self.send_response(code)
              self.send_header("Content-Type", "text/plain")
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
    Files.writeString(dir.resolve("web/server.py"), SERVER);
    port = Shops.freePort();
    spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: pyroll
        applications:
          web:
            path: ./web
            command: python3 server.py
            instances: 2
            env: {VERSION: "1"}
            health: {path: /health}
        routers:
          front:
            port: %d
            routes:
              - {path: /, service: web}
        """
            .formatted(port));
  }

  @AfterEach
  void destroy() {
    Shops.destroy(spec, events);
  }

  @Test
  void aRollingUpdateOfPythonHttpServerUnderLoadFailsNoRequest() throws Exception {
    Engine engine = Shops.engine(spec, events);
    engine.apply();
    assertThat(Shops.get(port, "/").body()).isEqualTo("version 1\n");

    Tally tally = new Tally();
    // One more client as a load balancer's probe would be: raw bytes, a new connection each.
    try (Load _ = Load.start(4, tally.get(port));
        Load _ = Load.start(1, tally.of(() -> rawGet(port)))) {
      Thread.sleep(500);
      Files.writeString(spec, Files.readString(spec).replace("VERSION: \"1\"", "VERSION: \"2\""));
      assertThat(engine.plan().changes())
          .anyMatch(c -> c.service().equals("web") && c.action() == Plan.Action.REPLACE);
      engine.apply();
      Thread.sleep(500);
    }

    assertThat(tally.failures()).as("failed requests during the update").isEmpty();
    assertThat(tally.answers()).contains("200 version 1\n", "200 version 2\n");
    assertThat(Shops.get(port, "/").body()).isEqualTo("version 2\n");
  }

  /** A body-less GET on a fresh connection; the status line of the answer, or what went wrong. */
  private static String rawGet(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String status = in.readLine();
      if (status == null) {
        return "connection closed without an answer";
      }
      return status.startsWith("HTTP/1.1 200 ") ? "200 " + status : status;
    } catch (Exception e) {
      return e.toString();
    }
  }
}
