package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.ServiceRuntime;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.deploy.state.SealedValueException;
import dev.updraft.sys.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Real PostgreSQL and Redis servers from Debian's packages, created and started by the engine and
 * kept running by the supervisor. PostgreSQL refuses to run as root, so as root its cluster belongs
 * to the {@code postgres} user and lives where that user can reach it.
 */
final class Databases {
  private final Path dir;
  private final LocalRuntime runtime;
  private final EnvironmentKey key;

  Databases(Path dir, LocalRuntime runtime) {
    this.dir = dir;
    this.runtime = runtime;
    this.key = EnvironmentKey.of(dir);
  }

  ServiceRuntime.DatabaseInfo ensure(Service.Database database, Integer preferredPort) {
    int port = runtime.port(preferredPort);
    return switch (database.engine()) {
      case "postgres" -> postgres(database, port);
      case "redis" -> redis(database, port);
      default -> throw new IllegalStateException("engine " + database.engine());
    };
  }

  private ServiceRuntime.DatabaseInfo redis(Service.Database database, int port) {
    Path server = which("redis-server");
    if (server == null) {
      throw missing("redis-server", "redis-server");
    }
    Path data = PrivateFiles.directories(dir.resolve("databases").resolve(database.name()));
    String id = "db-" + database.name();
    runtime.startOn(
        database.name(),
        id,
        data,
        List.of(
            server.toString(),
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
    settle(id, () -> awaitPort(database.name(), id, port));
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("host", "127.0.0.1");
    attributes.put("port", Integer.toString(port));
    attributes.put("url", "redis://127.0.0.1:" + port);
    return new ServiceRuntime.DatabaseInfo(port, attributes, List.of());
  }

  private ServiceRuntime.DatabaseInfo postgres(Service.Database database, int port) {
    Path bin = postgresBin(database.version());
    boolean root = Host.isRoot();
    // The postgres user cannot enter /root: as root, the cluster lives under /var/tmp.
    Path data =
        root
            ? Path.of(
                "/var/tmp/updraft-postgres",
                Integer.toHexString(dir.toAbsolutePath().hashCode()),
                database.name())
            : dir.resolve("databases").resolve(database.name());
    // The password lives beside the cluster it opens, sealed with the environment's key.
    Path passwordFile = data.resolveSibling(database.name() + ".password");
    try {
      if (root) {
        clustersDirectory(data.getParent().getParent(), data.getParent());
      }
      PrivateFiles.directories(passwordFile.getParent());
      String field = "database " + database.name() + " password";
      String password = null;
      boolean reset = false;
      if (Files.exists(passwordFile)) {
        String stored = Files.readString(passwordFile).trim();
        try {
          password = key.open(field, stored);
          reset = !EnvironmentKey.isSealed(stored); // an older updraft's, in plain text: seal it
        } catch (SealedValueException e) {
          // The cluster outlived its environment directory and key: it gets a new password,
          // set over its Unix socket, where the postgres user needs none.
          reset = true;
        }
      }
      boolean changed = password == null;
      if (password == null) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        password = HexFormat.of().formatHex(random);
      }
      if (reset || changed) {
        PrivateFiles.write(passwordFile, key.seal(field, password));
      }
      boolean fresh = !Files.exists(data.resolve("PG_VERSION"));
      if (fresh) {
        initdb(bin, data, password, root);
      }
      String newPassword = changed && !fresh ? password : null;
      String id = "db-" + database.name();
      List<String> command = asPostgres(root);
      command.addAll(
          List.of(
              bin.resolve("postgres").toString(),
              "-D",
              data.toString(),
              "-p",
              Integer.toString(port),
              "-k",
              data.toString(),
              "-c",
              "listen_addresses=127.0.0.1",
              // Its socket is in the (private) data directory; the socket itself is too.
              "-c",
              "unix_socket_permissions=0700"));
      runtime.startOn(database.name(), id, data, command, Map.of(), Service.Resources.NONE, port);
      settle(
          id,
          () -> {
            awaitPort(database.name(), id, port);
            awaitAccepting(bin, data, port, root, database.name(), id);
            if (newPassword != null) {
              psql(bin, data, port, root, "ALTER ROLE postgres PASSWORD '" + newPassword + "'");
            }
            createDatabase(bin, data, port, database.name(), root);
          });
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("host", "127.0.0.1");
      attributes.put("port", Integer.toString(port));
      attributes.put("user", "postgres");
      attributes.put("password", password);
      attributes.put("database", database.name());
      attributes.put(
          "url",
          "postgresql://postgres:" + password + "@127.0.0.1:" + port + "/" + database.name());
      return new ServiceRuntime.DatabaseInfo(port, attributes, List.of(password));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void initdb(Path bin, Path data, String password, boolean root) throws IOException {
    PrivateFiles.directories(data);
    Path pwfile = data.getParent().resolve(data.getFileName() + ".pw");
    PrivateFiles.write(pwfile, password); // for initdb only; deleted once it ran
    if (root) {
      run(List.of("chown", "-R", "postgres:postgres", data.getParent().toString()), "chown");
    }
    List<String> command = asPostgres(root);
    command.addAll(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "--pwfile=" + pwfile,
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8"));
    try {
      run(command, "initdb");
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  private void createDatabase(Path bin, Path data, int port, String name, boolean root) {
    List<String> psql = psqlCommand(bin, data, port, root);
    psql.add("-tAc");
    List<String> exists = new ArrayList<>(psql);
    exists.add("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
    if (!run(exists, "psql").contains("1")) {
      List<String> create = new ArrayList<>(psql);
      create.add("CREATE DATABASE \"" + name + "\"");
      run(create, "createdb");
    }
  }

  /** psql as the postgres user over the server's Unix socket, where it needs no password. */
  private static List<String> psqlCommand(Path bin, Path data, int port, boolean root) {
    List<String> psql = asPostgres(root);
    psql.addAll(
        List.of(
            bin.resolve("psql").toString(),
            "-h",
            data.toString(),
            "-p",
            Integer.toString(port),
            "-U",
            "postgres",
            "-d",
            "postgres"));
    return psql;
  }

  /** Runs {@code sql} given on psql's input, not its command line, where others could read it. */
  private void psql(Path bin, Path data, int port, boolean root, String sql) {
    List<String> psql = psqlCommand(bin, data, port, root);
    psql.addAll(List.of("-v", "ON_ERROR_STOP=1", "-q"));
    Exec result = exec(psql, "psql", 120, sql + ";\n");
    if (result.exit() != 0) {
      throw new DeployException(
          "DATABASE_SETUP",
          "psql failed to set the password",
          "its output is below",
          result.output());
    }
  }

  /** A command prefix that runs what follows as the postgres user when we are root. */
  private static List<String> asPostgres(boolean root) {
    List<String> command = new ArrayList<>();
    if (root) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    return command;
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

  /**
   * Waits until PostgreSQL takes queries: it listens before it has finished starting (recovery,
   * say) and refuses sessions until then ("the database system is starting up").
   */
  private void awaitAccepting(
      Path bin, Path data, int port, boolean root, String service, String id) {
    List<String> isReady = asPostgres(root);
    isReady.addAll(
        List.of(
            bin.resolve("pg_isready").toString(),
            "-q",
            "-h",
            data.toString(),
            "-p",
            Integer.toString(port)));
    await(
        service,
        id,
        "accept sessions on port " + port,
        () -> exec(isReady, "pg_isready", 10, null).exit() == 0);
  }

  private void awaitPort(String service, String id, int port) {
    await(service, id, "accept connections on port " + port, () -> listens(port));
  }

  private static boolean listens(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls {@code ready} for up to 60 s; then fails with the server's log tail. */
  private void await(String service, String id, String what, BooleanSupplier ready) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (ready.getAsBoolean()) {
        return;
      }
      sleep(100);
    }
    throw new DeployException(
        "DATABASE_START",
        service + ": the database did not " + what + " within 60s",
        "see its log below",
        runtime.logTail(id, 20));
  }

  private String run(List<String> command, String what) {
    Exec result = exec(command, what, 120, null);
    if (result.exit() != 0) {
      throw new DeployException(
          "DATABASE_SETUP",
          what + " failed: " + String.join(" ", command),
          "its output is below",
          result.output());
    }
    return result.output();
  }

  /** How a command ended (exit -1: not within its time) and what it printed. */
  private record Exec(int exit, String output) {}

  private static Exec exec(List<String> command, String what, int timeoutSeconds, String input) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (var in = process.getOutputStream()) {
        if (input != null) {
          in.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      String output = LocalRuntime.read(process.getInputStream());
      boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      return new Exec(ended ? process.exitValue() : -1, output);
    } catch (IOException e) {
      throw new DeployException(
          "DATABASE_SETUP", what + " could not run: " + e.getMessage(), null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", what + " interrupted", null, null);
    }
  }

  /**
   * As root, the clusters of every environment share a directory the postgres user must traverse:
   * 0711, so that it can, and no one can list the environments in it; each environment's directory
   * below is 0700 and, once its cluster is made, the postgres user's. An older updraft made the
   * shared one readable by all.
   */
  private static void clustersDirectory(Path clusters, Path environment) throws IOException {
    Set<PosixFilePermission> traverse = PosixFilePermissions.fromString("rwx--x--x");
    try {
      Files.createDirectory(clusters, PosixFilePermissions.asFileAttribute(traverse));
      Files.setPosixFilePermissions(clusters, traverse); // created under the umask
    } catch (FileAlreadyExistsException e) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(clusters);
      if (mode.stream().anyMatch(p -> !traverse.contains(p))) {
        Files.setPosixFilePermissions(clusters, traverse);
      }
    }
    PrivateFiles.privateRoot(environment);
  }

  private static Path postgresBin(String version) {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Path bin =
            versions
                .filter(v -> version == null || v.getFileName().toString().equals(version))
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("postgres")))
                .max(
                    Comparator.comparing(
                        b ->
                            Integer.parseInt(
                                b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                .orElse(null);
        if (bin != null) {
          return bin;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw missing("PostgreSQL " + (version == null ? "" : version + " ") + "server", "postgresql");
  }

  private static Path which(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    for (String dir : List.of("/usr/bin", "/usr/sbin")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return Path.of(dir, command);
      }
    }
    return null;
  }

  private static DeployException missing(String what, String aptPackage) {
    return new DeployException(
        "PACKAGE_MISSING", what + " is not installed", "apt-get install " + aptPackage, null);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
