package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.spec.DatabaseEngine;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * it ({@link Clusters}); its password is sealed at rest ({@link ClusterPassword}).
 */
final class Databases {
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
      case POSTGRES -> postgres(database, port, server);
      case REDIS -> redis(database, port, server);
    };
  }

  private ServiceRuntime.DatabaseInfo redis(
      Service.Database database, int port, ServerBinaries.Server server) {
    Path data = PrivateFiles.directories(dir.resolve("databases").resolve(database.name()));
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
    Path data = Clusters.of(dir).resolve(name);
    try {
      RunAs user = Clusters.prepare(data);
      ClusterPassword stored = ClusterPassword.of(data, name, EnvironmentKey.of(dir));
      Optional<String> known = stored.kept();
      String password = known.orElseGet(ClusterPassword::generate);
      if (Files.exists(data.resolve("PG_VERSION"))) {
        sameMajor(name, data, server);
        if (known.isEmpty()) {
          // Set before it is kept: a failure leaves what was kept, in case the key comes back.
          resetPassword(name, server, data, user, password, stored.file());
          stored.keep(password);
        }
      } else {
        if (known.isEmpty()) {
          stored.keep(password);
        }
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
                  "listen_addresses=127.0.0.1",
                  // In the private data directory already; private itself too.
                  "-c",
                  "unix_socket_permissions=0700"));
      runtime.startOn(name, id, data, command, Map.of(), Service.Resources.NONE, port);
      settle(
          id,
          () -> {
            awaitPort(name, id, port);
            await(
                name,
                id,
                "take sessions on port " + port,
                () -> Wire.postgresNotReady(name, port, password, stored.file()));
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

  private void initdb(
      String name, ServerBinaries.Server server, Path data, String password, RunAs user)
      throws IOException {
    PrivateFiles.directories(data);
    user.own(data);
    Path pwfile = data.resolveSibling(name + ".pw");
    PrivateFiles.write(pwfile, password); // for initdb alone, which reads it as its user
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
          "initdb",
          null);
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  /**
   * Sets a new password on the cluster {@code data}, whose kept one is lost (its file is missing,
   * or sealed with a key this environment no longer has): with the server itself in single-user
   * mode, as the cluster's owner, before the server starts. It needs no password and no client
   * program (the pinned binaries have none); the statement goes on its input, never its command
   * line.
   */
  private static void resetPassword(
      String name,
      ServerBinaries.Server server,
      Path data,
      RunAs user,
      String password,
      Path file) {
    try {
      run(
          user.command(
              List.of(
                  server.bin().resolve("postgres").toString(),
                  "--single",
                  "-D",
                  data.toString(),
                  // An error ends it with a failure; and no log line repeats the statement.
                  "-c",
                  "exit_on_error=on",
                  "-c",
                  "log_min_error_statement=panic",
                  "postgres")),
          "setting a new password",
          "ALTER ROLE postgres PASSWORD '" + password + "'\n");
    } catch (DeployException e) {
      throw new DeployException(
          "DATABASE_SETUP",
          name
              + ": its password ("
              + file
              + (Files.exists(file) ? ") does not open with this environment's key" : ") is gone")
              + ", and a new one could not be set: "
              + e.getMessage(),
          "stop any server still running on "
              + data
              + " (its PID heads postmaster.pid there) and deploy again; the data is untouched",
          e.logTail());
    }
  }

  /** A cluster opens only with the major version that made it. */
  private void sameMajor(String name, Path data, ServerBinaries.Server server) throws IOException {
    String made = Files.readString(data.resolve("PG_VERSION")).trim();
    if (made.equals(major(server.version()))) {
      return;
    }
    String pinned = binaries.pinnedVersion(DatabaseEngine.POSTGRES);
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

  /** Runs {@code command}, {@code input} (if any) on its standard input; returns its output. */
  private static String run(List<String> command, String what, String input) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (var in = process.getOutputStream()) {
        if (input != null) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
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
