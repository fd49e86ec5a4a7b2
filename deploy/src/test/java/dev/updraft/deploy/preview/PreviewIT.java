package dev.updraft.deploy.preview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.apply.Artifacts;
import dev.updraft.deploy.apply.Engine;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.local.LocalRuntime;
import dev.updraft.deploy.local.RuntimeTarget;
import dev.updraft.deploy.local.ServerBinaries;
import dev.updraft.mesh.transport.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Previews of a small environment (an application behind a router, PostgreSQL and Redis) beside
 * their source, as real processes: own ports, the source's data at creation, data independent both
 * ways afterwards, removal at the end of a time to live, and nothing left after delete.
 */
class PreviewIT {
  private static final String APP =
      """
      import http.server, os

      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              body = ("db=" + os.environ["DB_PORT"]).encode()
              self.send_response(200)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)

          def log_message(self, *args):
              pass

      http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
      """;

  @TempDir Path dir;
  private Path spec;
  private Previews previews;
  private Function<Path, Engine> engines;

  @BeforeEach
  void writeSpec() throws IOException {
    Files.createDirectories(dir.resolve("app"));
    Files.writeString(dir.resolve("app/app.py"), APP);
    spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: src
        applications:
          web:
            path: ./app
            command: python3 app.py
            env: {DB_PORT: "${db.port}"}
            health: {path: /}
        databases:
          db: {engine: postgres}
          cache: {engine: redis}
        routers:
          front:
            port: %d
            routes: [{path: /, service: web}]
        """
            .formatted(freePort()));
    ServerBinaries pinned =
        ServerBinaries.of(
            ServerBinaries.Source.PINNED, List.of(), List.of(), ServerBinaries.defaultCache());
    engines =
        file ->
            new Engine(
                file,
                e -> {},
                new Redactor(),
                System.getenv(),
                4,
                null,
                RuntimeTarget.factory(d -> new LocalRuntime(d, pinned)));
    previews = new Previews(spec, engines);
  }

  @AfterEach
  void destroy() throws IOException {
    for (Previews.Listed left : previews.list()) {
      previews.delete(left.preview().name());
    }
    Engine source = engine();
    Path clusters = LocalRuntime.postgresClusters(source.dataDir());
    source.destroy();
    Artifacts.deleteTree(clusters);
  }

  @Test
  void aPreviewComesUpBesideItsSourceWithItsOwnCopyOfTheData() throws Exception {
    Map<String, ServiceState> source = engine().apply().services();
    sql(source.get("db"), "CREATE TABLE notes (v text)", "INSERT INTO notes VALUES ('before')");
    resp(source.get("cache"), "SET", "note", "before");

    Map<String, ServiceState> preview = previews.create("pr-1", "src", null).services();

    for (String name : List.of("web", "db", "cache", "front")) {
      assertThat(preview.get(name).servicePort())
          .as(name + "'s port")
          .isNotEqualTo(source.get(name).servicePort());
    }
    // The source's data when the preview was made is the preview's.
    assertThat(notes(preview.get("db"))).containsExactly("before");
    assertThat(resp(preview.get("cache"), "GET", "note")).isEqualTo("before");
    // Afterwards each has its own.
    sql(preview.get("db"), "INSERT INTO notes VALUES ('preview')");
    sql(source.get("db"), "INSERT INTO notes VALUES ('source')");
    resp(preview.get("cache"), "SET", "note", "preview");
    assertThat(notes(preview.get("db"))).containsExactly("before", "preview");
    assertThat(notes(source.get("db"))).containsExactly("before", "source");
    assertThat(resp(source.get("cache"), "GET", "note")).isEqualTo("before");
    assertThat(resp(preview.get("cache"), "GET", "note")).isEqualTo("preview");
    // Its router serves its application, which talks to its database.
    int front = preview.get("front").servicePort();
    assertThat(get(front)).isEqualTo("db=" + preview.get("db").servicePort());
    assertThat(get(source.get("front").servicePort()))
        .isEqualTo("db=" + source.get("db").servicePort());

    assertThat(previews.list())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.preview().name()).isEqualTo("pr-1");
              assertThat(l.preview().source()).isEqualTo("src");
              assertThat(l.url()).isEqualTo("http://127.0.0.1:" + front + "/");
            });
    // Deployed again, it keeps its ports and its data.
    Map<String, ServiceState> again = previews.up("pr-1").services();
    for (String name : List.of("web", "db", "cache", "front")) {
      assertThat(again.get(name).servicePort()).isEqualTo(preview.get(name).servicePort());
    }
    assertThat(notes(again.get("db"))).containsExactly("before", "preview");

    Path state = dir.resolve(".updraft/pr-1");
    assertPrivate(state);
    Path clusters = LocalRuntime.postgresClusters(state);
    Set<Long> pids = pids(state);
    List<Integer> ports = new ArrayList<>();
    again.values().forEach(s -> ports.add(s.servicePort()));
    again.values().forEach(s -> s.instances().forEach(i -> ports.add(i.port())));

    previews.delete("pr-1");

    assertThat(state).doesNotExist();
    assertThat(clusters).doesNotExist();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process " + pid + " of the preview")
          .isFalse();
    }
    for (int port : ports) {
      assertThat(listens(port)).as("port " + port + " of the preview").isFalse();
    }
    assertThat(previews.list()).isEmpty();
    // The source serves on, its data untouched.
    assertThat(notes(source.get("db"))).containsExactly("before", "source");
    assertThat(get(source.get("front").servicePort())).startsWith("db=");
  }

  @Test
  void aPreviewWhoseTimeIsUpIsRemovedByItsSupervisor() throws Exception {
    Files.writeString(spec, "environment: src\ndatabases:\n  cache: {engine: redis}\n");
    ServiceState cache = engine().apply().services().get("cache");
    resp(cache, "SET", "note", "before");

    Map<String, ServiceState> preview =
        previews.create("short", "src", Duration.ofSeconds(15)).services();
    assertThat(resp(preview.get("cache"), "GET", "note")).isEqualTo("before");
    Path state = dir.resolve(".updraft/short");
    Set<Long> pids = pids(state);
    int port = preview.get("cache").servicePort();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (Files.exists(state) && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertThat(state).as("removed when its time was up").doesNotExist();
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    }
    assertThat(listens(port)).isFalse();
    assertThat(resp(cache, "GET", "note")).isEqualTo("before");
  }

  private Engine engine() {
    return engines.apply(spec);
  }

  /** The supervisor, watchdog and every process the preview's supervisor runs. */
  private static Set<Long> pids(Path state) throws IOException {
    Set<Long> pids = new TreeSet<>();
    for (String file : List.of("supervisor.pid", "watchdog.pid")) {
      pids.add(Long.parseLong(Files.readString(state.resolve(file)).trim()));
    }
    try (LocalRuntime runtime = new LocalRuntime(state)) {
      runtime.status().processes().forEach(p -> pids.add(p.pid()));
    }
    return pids;
  }

  private static void assertPrivate(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isSymbolicLink(p) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                .as(p.toString())
                .isEqualTo("rwx------");
          }
          continue;
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
            .as(p.toString())
            .matches("r[w-][x-]------");
      }
    }
  }

  private static int freePort() throws IOException {
    return FreePorts.any();
  }

  private static boolean listens(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return socket.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  private static String get(int port) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private static void sql(ServiceState db, String... statements) throws Exception {
    try (Connection c = connect(db);
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static List<String> notes(ServiceState db) throws Exception {
    List<String> notes = new ArrayList<>();
    try (Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT v FROM notes ORDER BY v")) {
      while (rows.next()) {
        notes.add(rows.getString(1));
      }
    }
    return notes;
  }

  private static Connection connect(ServiceState db) throws Exception {
    Map<String, String> a = db.attributes();
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + a.get("port") + "/" + a.get("database"),
        a.get("user"),
        a.get("password"));
  }

  /** One RESP command; the reply's first line, or a bulk reply's value. */
  private static String resp(ServiceState cache, String... command) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", cache.servicePort())) {
      StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
      for (String part : command) {
        request.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
      }
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      return line.startsWith("$") ? in.readLine() : line.substring(1);
    }
  }
}
