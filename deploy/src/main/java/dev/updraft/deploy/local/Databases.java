package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.ServiceRuntime;
import dev.updraft.deploy.spec.Service;
import dev.updraft.sys.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Real PostgreSQL and Redis servers, their programs from {@link ServerBinaries} (pinned or the
 * host's), created and started by the engine and kept running by the supervisor; whether they serve
 * is asked over their own protocols ({@link Wire}). PostgreSQL refuses to run as root, so as root
 * its cluster belongs to an unprivileged user ({@link RunAs}) and lives where that user can reach
 * it.
 */
final class Databases {
  private static final Path ROOT_POSTGRES_DATA = Path.of("/var/tmp/updraft-postgres");

  private final Path dir;
  private final LocalRuntime runtime;
  private final ServerBinaries binaries;

  Databases(Path dir, LocalRuntime runtime, ServerBinaries binaries) {
    this.dir = dir;
    this.runtime = runtime;
    this.binaries = binaries;
  }

  ServiceRuntime.DatabaseInfo ensure(Service.Database database, Integer preferredPort) {
    ServerBinaries.Server server =
        binaries.resolve(
            database.engine(), database.version(), "databases." + database.name() + ".version");
    int port = runtime.port(preferredPort);
    // Deployed again means changed (version, port, binaries): the old server makes way, its data
    // stays. Starting alone would keep it, as starting an instance that runs is a no-op.
    runtime.stop("db-" + database.name());
    return switch (database.engine()) {
      case "postgres" -> postgres(database, port, server);
      case "redis" -> redis(database, port, server);
      default -> throw new IllegalStateException("engine " + database.engine());
    };
  }

  private ServiceRuntime.DatabaseInfo redis(
      Service.Database database, int port, ServerBinaries.Server server) {
    Path data = dir.resolve("databases").resolve(database.name());
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String id = "db-" + database.name();
    runtime.startOn(
        database.name(),
        id,
        data,
        List.of(
            server.bin().resolve("redis-server").toString(),
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            data.toString(),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--protected-mode",
            "no"),
        Map.of(),
        Service.Resources.NONE,
        port);
    settle(
        id,
        () -> {
          awaitPort(database.name(), id, port);
          await(database.name(), id, "answer PING on port " + port, () -> Wire.redisNotReady(port));
        });
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("host", "127.0.0.1");
    attributes.put("port", Integer.toString(port));
    attributes.put("url", "redis://127.0.0.1:" + port);
    attributes.put("server", server.describe());
    return new ServiceRuntime.DatabaseInfo(port, attributes, List.of());
  }

  private ServiceRuntime.DatabaseInfo postgres(
      Service.Database database, int port, ServerBinaries.Server server) {
    String name = database.name();
    boolean root = Host.isRoot();
    Path data = clusters(dir).resolve(name);
    // The password lives beside the cluster it opens, so a cluster that outlives its environment
    // directory (kept data) can still be opened. Only this user reads it.
    Path passwordFile = data.resolveSibling(name + ".password");
    try {
      Files.createDirectories(passwordFile.getParent());
      if (root) {
        // Traversable by the server's user, whatever the umask.
        for (Path p = passwordFile.getParent();
            p.startsWith(ROOT_POSTGRES_DATA);
            p = p.getParent()) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      if (!Files.exists(passwordFile)) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        Files.writeString(passwordFile, HexFormat.of().formatHex(random));
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
      }
      String password = Files.readString(passwordFile).trim();
      RunAs user = RunAs.forData(data);
      if (Files.exists(data.resolve("PG_VERSION"))) {
        sameMajor(name, data, server);
      } else {
        initdb(name, server, data, password, user);
      }
      String id = "db-" + name;
      List<String> command =
          user.command(
              List.of(
                  server.bin().resolve("postgres").toString(),
                  "-D",
                  data.toString(),
                  "-p",
                  Integer.toString(port),
                  "-k",
                  data.toString(),
                  "-c",
                  "listen_addresses=127.0.0.1"));
      runtime.startOn(name, id, data, command, Map.of(), Service.Resources.NONE, port);
      settle(
          id,
          () -> {
            awaitPort(name, id, port);
            await(
                name,
                id,
                "take sessions on port " + port,
                () -> Wire.postgresNotReady(name, port, password));
            Wire.createDatabase(name, port, password, name);
          });
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("host", "127.0.0.1");
      attributes.put("port", Integer.toString(port));
      attributes.put("user", "postgres");
      attributes.put("password", password);
      attributes.put("database", name);
      attributes.put(
          "url", "postgresql://postgres:" + password + "@127.0.0.1:" + port + "/" + name);
      attributes.put("server", server.describe());
      return new ServiceRuntime.DatabaseInfo(port, attributes, List.of(password));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where the PostgreSQL clusters of the environment in {@code dir} live: in it, or as root under
   * {@code /var/tmp}, since the unprivileged user a cluster belongs to cannot enter {@code /root}.
   */
  static Path clusters(Path dir) {
    return Host.isRoot()
        ? ROOT_POSTGRES_DATA.resolve(Integer.toHexString(dir.toAbsolutePath().hashCode()))
        : dir.resolve("databases");
  }

  private void initdb(
      String name, ServerBinaries.Server server, Path data, String password, RunAs user)
      throws IOException {
    Files.createDirectories(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    user.own(data);
    Path pwfile = data.resolveSibling(name + ".pw");
    Files.writeString(pwfile, password);
    Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
    user.own(pwfile);
    try {
      run(
          user.command(
              List.of(
                  server.bin().resolve("initdb").toString(),
                  "-D",
                  data.toString(),
                  "-U",
                  "postgres",
                  "--pwfile=" + pwfile,
                  "--auth-host=scram-sha-256",
                  "--auth-local=trust",
                  "-E",
                  "UTF8",
                  "--locale=C.UTF-8")),
          "initdb");
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  /** A cluster opens only with the major version that made it. */
  private void sameMajor(String name, Path data, ServerBinaries.Server server) throws IOException {
    String made = Files.readString(data.resolve("PG_VERSION")).trim();
    if (made.equals(major(server.version()))) {
      return;
    }
    String pinned = binaries.pinnedVersion("postgres");
    String hint =
        switch (server.source()) {
          case PINNED ->
              "set "
                  + ServerBinaries.VARIABLE
                  + "=host to run the host's PostgreSQL "
                  + made
                  + " (apt-get install postgresql-"
                  + made
                  + "), or move the data away to start afresh";
          case HOST ->
              made.equals(major(pinned))
                  ? "unset "
                      + ServerBinaries.VARIABLE
                      + ": the pinned PostgreSQL "
                      + pinned
                      + " opens it"
                  : "install PostgreSQL " + made + " (apt-get install postgresql-" + made + ")";
        };
    throw new DeployException(
        "DATABASE_VERSION",
        name
            + ": its data ("
            + data
            + ") is PostgreSQL "
            + made
            + "'s, but the server in use is "
            + server.describe(),
        hint,
        null);
  }

  private static String major(String version) {
    return version.split("\\.")[0];
  }

  /**
   * Runs what must hold before a server just started counts as up; if it fails, the server is
   * stopped: the failed step's service has no state yet, so nothing else would stop it.
   */
  private void settle(String id, Runnable checks) {
    try {
      checks.run();
    } catch (RuntimeException e) {
      try {
        runtime.stop(id);
      } catch (RuntimeException stop) {
        e.addSuppressed(stop);
      }
      throw e;
    }
  }

  private void awaitPort(String service, String id, int port) {
    await(
        service,
        id,
        "accept connections on port " + port,
        () -> listens(port) ? Optional.empty() : Optional.of("nothing listens"));
  }

  private static boolean listens(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Polls {@code notReady} (why not, or empty once ready) for up to 60 s; then fails with the last
   * reason and the server's log tail.
   */
  private void await(String service, String id, String what, Supplier<Optional<String>> notReady) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Optional<String> why = Optional.of("not asked");
    while (System.nanoTime() < deadline) {
      why = notReady.get();
      if (why.isEmpty()) {
        return;
      }
      sleep(100);
    }
    throw new DeployException(
        "DATABASE_START",
        service + ": the database did not " + what + " within 60s (last: " + why.get() + ")",
        "see its log below",
        runtime.logTail(id, 20));
  }

  private static String run(List<String> command, String what) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = LocalRuntime.read(process.getInputStream());
      boolean ended = process.waitFor(120, TimeUnit.SECONDS);
      if (!ended || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new DeployException(
            "DATABASE_SETUP",
            what + " failed: " + String.join(" ", command),
            "its output is below",
            output);
      }
      return output;
    } catch (IOException e) {
      throw new DeployException(
          "DATABASE_SETUP", what + " could not run: " + e.getMessage(), null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", what + " interrupted", null, null);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
