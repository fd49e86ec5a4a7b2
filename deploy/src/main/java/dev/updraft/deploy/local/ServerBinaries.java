package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.spec.DatabaseEngine;
import dev.updraft.sys.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the local target's database servers come from. By default the pinned ones, shipped with
 * updraft as Maven artifacts: the same PostgreSQL and Redis on every machine, nothing to install
 * (as Qovery pins its charts). {@code UPDRAFT_SERVER_BINARIES=host} takes the host's from Debian's
 * packages instead. A database's {@code version} in the spec must be one the chosen source has.
 */
public final class ServerBinaries {
  /** The environment variable that chooses the source: {@code pinned} (default) or {@code host}. */
  public static final String VARIABLE = "UPDRAFT_SERVER_BINARIES";

  /** A source of server programs. */
  public enum Source {
    PINNED,
    HOST;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The source a value of {@link #VARIABLE} names; unset or empty is {@link #PINNED}. */
    public static Source parse(String value) {
      if (value == null || value.isBlank()) {
        return PINNED;
      }
      for (Source source : values()) {
        if (source.word().equals(value.trim())) {
          return source;
        }
      }
      throw new DeployException(
          "SERVER_BINARIES",
          VARIABLE + ": \"" + value + "\" (expected: pinned or host)",
          "unset it for the pinned servers, or set it to host for the host's",
          null);
    }
  }

  /**
   * Server programs ready to run.
   *
   * @param version the server's version, e.g. {@code 18.7}
   * @param bin the directory holding its programs
   * @param origin where they come from: Maven coordinates, or the host's directory
   */
  public record Server(
      DatabaseEngine engine, String version, Source source, Path bin, String origin) {
    /** e.g. {@code postgres 18.7 (pinned, io.zonky.test.postgres:...:18.7.0)}. */
    public String describe() {
      return engine + " " + version + " (" + source.word() + ", " + origin + ")";
    }
  }

  /**
   * What one source offers for an engine, without unpacking anything (for {@code doctor}).
   *
   * @param version empty when the source has no such server
   * @param where the artifact and its cache directory, or the host's directory
   */
  public record Offer(Source source, Optional<String> version, String where) {}

  /** For one engine: what the chosen source offers, and what the other one would. */
  public record Choice(DatabaseEngine engine, Offer chosen, Offer other) {}

  private final Source source;
  private final PinnedServers pinned;
  private final HostServers host;

  ServerBinaries(Source source, PinnedServers pinned, HostServers host) {
    this.source = source;
    this.pinned = pinned;
    this.host = host;
  }

  /** The source {@code env} chooses, the pinned servers on the class path, the host's PATH. */
  public static ServerBinaries of(Map<String, String> env) {
    return new ServerBinaries(
        Source.parse(env.get(VARIABLE)),
        PinnedServers.load(ServerBinaries.class.getClassLoader(), cache(env)),
        HostServers.of(env));
  }

  /**
   * Servers from {@code source} only as far as the host's are concerned: {@code path} is where
   * {@code redis-server} is looked for, {@code postgresRoots} where {@code MAJOR/bin/postgres} is;
   * pinned servers are unpacked in {@code cache}. Tests hide the host's servers with empty lists.
   */
  public static ServerBinaries of(
      Source source, List<Path> path, List<Path> postgresRoots, Path cache) {
    return new ServerBinaries(
        source,
        PinnedServers.load(ServerBinaries.class.getClassLoader(), cache),
        new HostServers(path, postgresRoots));
  }

  /** The default cache of {@link #of(Map)}. */
  public static Path defaultCache() {
    return cache(System.getenv());
  }

  /**
   * Where pinned servers are unpacked. As root, servers run as an unprivileged user who cannot
   * enter {@code /root}, so the cache is the machine's; otherwise the user's.
   */
  static Path cache(Map<String, String> env) {
    if (Host.isRoot()) {
      return Path.of("/var/cache/updraft/servers");
    }
    String xdg = env.get("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
    return base.resolve("updraft").resolve("servers");
  }

  public Source source() {
    return source;
  }

  /**
   * The server to run for {@code engine} at the {@code wanted} version (null: any), unpacked if
   * pinned. {@code field} names the spec field in errors, e.g. {@code databases.db.version}.
   */
  public Server resolve(DatabaseEngine engine, String wanted, String field) {
    return switch (source) {
      case PINNED -> {
        PinnedServers.Bundle bundle = pinned.bundle(engine);
        if (!matches(bundle.version(), wanted)) {
          List<String> hosts = hostVersions(engine);
          throw unavailable(
              field,
              wanted,
              accepted(bundle.version()) + ", the pinned " + name(engine) + " " + bundle.version(),
              hosts.isEmpty()
                  ? "remove the version, or install it and set " + VARIABLE + "=host"
                  : "remove the version, or set "
                      + VARIABLE
                      + "=host to use the host's "
                      + name(engine)
                      + " "
                      + hosts);
        }
        yield new Server(
            engine, bundle.version(), source, pinned.unpack(bundle), bundle.artifact());
      }
      case HOST -> {
        List<HostServers.Found> found = hostServers(engine);
        if (found.isEmpty()) {
          throw new DeployException(
              "PACKAGE_MISSING",
              name(engine) + " is not installed on this machine (" + VARIABLE + "=host)",
              "apt-get install "
                  + aptPackage(engine)
                  + ", or unset "
                  + VARIABLE
                  + " to use the pinned "
                  + name(engine)
                  + " "
                  + pinned.bundle(engine).version(),
              null);
        }
        HostServers.Found chosen =
            found.stream()
                .filter(f -> matches(f.version(), wanted))
                .findFirst()
                .orElseThrow(
                    () ->
                        unavailable(
                            field,
                            wanted,
                            "one of the host's "
                                + name(engine)
                                + " versions "
                                + hostVersions(engine),
                            "apt-get install "
                                + aptPackage(engine)
                                + switch (engine) {
                                  case POSTGRES -> "-" + major(wanted);
                                  case REDIS -> "";
                                }
                                + ", or unset "
                                + VARIABLE
                                + " to use the pinned "
                                + name(engine)
                                + " "
                                + pinned.bundle(engine).version()));
        yield new Server(engine, chosen.version(), source, chosen.bin(), chosen.bin().toString());
      }
    };
  }

  /** What each source offers for each engine. */
  public List<Choice> choices() {
    List<Choice> choices = new ArrayList<>();
    for (DatabaseEngine engine : DatabaseEngine.values()) {
      PinnedServers.Bundle bundle = pinned.bundle(engine);
      Optional<Path> home = pinned.home(bundle);
      Offer pinnedOffer =
          new Offer(
              Source.PINNED,
              home.map(h -> bundle.version()),
              bundle.artifact()
                  + home.map(
                          h ->
                              Files.isDirectory(h)
                                  ? ", unpacked in " + h
                                  : ", unpacked on first use into " + pinned.cache())
                      .orElse(", but its jar is not on the class path"));
      List<HostServers.Found> found = hostServers(engine);
      Offer hostOffer =
          new Offer(
              Source.HOST,
              found.stream().findFirst().map(HostServers.Found::version),
              found.isEmpty()
                  ? "not installed (apt-get install " + aptPackage(engine) + ")"
                  : found.getFirst().bin().toString());
      choices.add(
          source == Source.PINNED
              ? new Choice(engine, pinnedOffer, hostOffer)
              : new Choice(engine, hostOffer, pinnedOffer));
    }
    return choices;
  }

  /** The version of the pinned server of {@code engine}, e.g. {@code 18.7}. */
  public String pinnedVersion(DatabaseEngine engine) {
    return pinned.bundle(engine).version();
  }

  /** Whether {@code version} is what {@code wanted} asks for: 18 and 18.7 both take 18.7. */
  static boolean matches(String version, String wanted) {
    return wanted == null || version.equals(wanted) || version.startsWith(wanted + ".");
  }

  private List<HostServers.Found> hostServers(DatabaseEngine engine) {
    return switch (engine) {
      case POSTGRES -> host.postgres();
      case REDIS -> host.redis().stream().toList();
    };
  }

  private List<String> hostVersions(DatabaseEngine engine) {
    return hostServers(engine).stream().map(HostServers.Found::version).toList();
  }

  private static String accepted(String version) {
    List<String> prefixes = new ArrayList<>();
    String[] parts = version.split("\\.");
    for (int i = 1; i <= parts.length; i++) {
      prefixes.add(String.join(".", List.of(parts).subList(0, i)));
    }
    return String.join(" or ", prefixes);
  }

  private static String major(String version) {
    int dot = version.indexOf('.');
    return dot < 0 ? version : version.substring(0, dot);
  }

  private static DeployException unavailable(
      String field, String wanted, String expected, String hint) {
    return new DeployException(
        "DATABASE_VERSION",
        field + ": \"" + wanted + "\" (expected: " + expected + ")",
        hint,
        null);
  }

  static String name(DatabaseEngine engine) {
    return engine.product();
  }

  public static String aptPackage(DatabaseEngine engine) {
    return switch (engine) {
      case POSTGRES -> "postgresql";
      case REDIS -> "redis-server";
    };
  }
}
