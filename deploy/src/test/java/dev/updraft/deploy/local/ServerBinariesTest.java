package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.spec.DatabaseEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing the servers: the source, the version a spec asks for, and the errors that name the
 * field, the value and what each source has. The host is a fake one: scripts that answer {@code
 * --version} as Debian's servers do.
 */
class ServerBinariesTest {
  private static final PinnedServers.Bundle POSTGRES =
      new PinnedServers.Bundle(
          DatabaseEngine.POSTGRES, "18.7", "g:postgres-binaries:18.7.0", "absent.txz");
  private static final PinnedServers.Bundle REDIS =
      new PinnedServers.Bundle(
          DatabaseEngine.REDIS, "7.0.15", "g:embedded-redis:0.9.1", "absent-redis");

  @TempDir Path dir;

  @Test
  void theSourceIsPinnedUnlessTheVariableSaysHost() {
    assertThat(ServerBinaries.Source.parse(null)).isEqualTo(ServerBinaries.Source.PINNED);
    assertThat(ServerBinaries.Source.parse("")).isEqualTo(ServerBinaries.Source.PINNED);
    assertThat(ServerBinaries.Source.parse("host")).isEqualTo(ServerBinaries.Source.HOST);
    assertThatThrownBy(() -> ServerBinaries.Source.parse("debian"))
        .isInstanceOf(DeployException.class)
        .hasMessage("UPDRAFT_SERVER_BINARIES: \"debian\" (expected: pinned or host)");
  }

  @Test
  void aVersionMatchesWholeParts() {
    assertThat(ServerBinaries.matches("18.7", null)).isTrue();
    assertThat(ServerBinaries.matches("18.7", "18")).isTrue();
    assertThat(ServerBinaries.matches("18.7", "18.7")).isTrue();
    assertThat(ServerBinaries.matches("18.7", "1")).isFalse();
    assertThat(ServerBinaries.matches("18.7", "18.70")).isFalse();
    assertThat(ServerBinaries.matches("7.0.15", "7.0")).isTrue();
    assertThat(ServerBinaries.matches("7.0.15", "7.2")).isFalse();
  }

  @Test
  void aPinnedServerOfAnotherVersionIsAnErrorNamingWhatEachSourceHas() throws IOException {
    ServerBinaries binaries = binaries(ServerBinaries.Source.PINNED, fakeHost());
    assertThatThrownBy(
            () -> binaries.resolve(DatabaseEngine.POSTGRES, "15", "databases.db.version"))
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.tag()).isEqualTo("DATABASE_VERSION");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "databases.db.version: \"15\" (expected: 18 or 18.7, the pinned"
                          + " PostgreSQL 18.7)");
              assertThat(e.hint())
                  .isEqualTo(
                      "remove the version, or set UPDRAFT_SERVER_BINARIES=host to use the host's"
                          + " PostgreSQL [15.14, 9.6.24]");
            });
    assertThatThrownBy(
            () -> binaries.resolve(DatabaseEngine.REDIS, "7.2", "databases.cache.version"))
        .hasMessage(
            "databases.cache.version: \"7.2\" (expected: 7 or 7.0 or 7.0.15, the pinned Redis"
                + " 7.0.15)");
  }

  @Test
  void theHostsServersAreFoundWithTheirVersions() throws IOException {
    ServerBinaries binaries = binaries(ServerBinaries.Source.HOST, fakeHost());
    ServerBinaries.Server postgres =
        binaries.resolve(DatabaseEngine.POSTGRES, "15", "databases.db.version");
    assertThat(postgres.bin()).isEqualTo(dir.resolve("lib/postgresql/15/bin"));
    assertThat(postgres.describe())
        .isEqualTo("postgres 15.14 (host, " + dir.resolve("lib/postgresql/15/bin") + ")");
    // The newest when the spec names none.
    assertThat(binaries.resolve(DatabaseEngine.POSTGRES, null, "f").version()).isEqualTo("15.14");
    assertThat(binaries.resolve(DatabaseEngine.REDIS, "7", "f").describe())
        .isEqualTo("redis 7.0.15 (host, " + dir.resolve("bin") + ")");
    assertThatThrownBy(
            () -> binaries.resolve(DatabaseEngine.POSTGRES, "16", "databases.db.version"))
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo(
                      "databases.db.version: \"16\" (expected: one of the host's PostgreSQL"
                          + " versions [15.14, 9.6.24])");
              assertThat(e.hint())
                  .isEqualTo(
                      "apt-get install postgresql-16, or unset UPDRAFT_SERVER_BINARIES to use"
                          + " the pinned PostgreSQL 18.7");
            });
  }

  @Test
  void aHostWithoutTheServerNamesThePackageAndThePinnedOne() {
    ServerBinaries binaries =
        binaries(ServerBinaries.Source.HOST, new HostServers(List.of(), List.of()));
    assertThatThrownBy(
            () -> binaries.resolve(DatabaseEngine.REDIS, null, "databases.cache.version"))
        .isInstanceOfSatisfying(
            DeployException.class,
            e -> {
              assertThat(e.tag()).isEqualTo("PACKAGE_MISSING");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Redis is not installed on this machine (UPDRAFT_SERVER_BINARIES=host)");
              assertThat(e.hint())
                  .isEqualTo(
                      "apt-get install redis-server, or unset UPDRAFT_SERVER_BINARIES to use the"
                          + " pinned Redis 7.0.15");
            });
  }

  @Test
  void choicesSayWhatEachSourceHas() throws IOException {
    List<ServerBinaries.Choice> choices =
        binaries(ServerBinaries.Source.HOST, fakeHost()).choices();
    assertThat(choices)
        .extracting(ServerBinaries.Choice::engine)
        .containsExactly(DatabaseEngine.POSTGRES, DatabaseEngine.REDIS);
    ServerBinaries.Choice postgres = choices.getFirst();
    assertThat(postgres.chosen())
        .isEqualTo(
            new ServerBinaries.Offer(
                ServerBinaries.Source.HOST,
                Optional.of("15.14"),
                dir.resolve("lib/postgresql/15/bin").toString()));
    // This test's class path has no such jar.
    assertThat(postgres.other())
        .isEqualTo(
            new ServerBinaries.Offer(
                ServerBinaries.Source.PINNED,
                Optional.empty(),
                "g:postgres-binaries:18.7.0, but its jar is not on the class path"));
    assertThat(
            binaries(ServerBinaries.Source.PINNED, new HostServers(List.of(), List.of()))
                .choices()
                .get(1)
                .other())
        .isEqualTo(
            new ServerBinaries.Offer(
                ServerBinaries.Source.HOST,
                Optional.empty(),
                "not installed (apt-get install redis-server)"));
  }

  @Test
  void versionsAreReadAsTheServersPrintThem() {
    assertThat(HostServers.parseVersion("postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n"))
        .hasValue("15.14");
    assertThat(HostServers.parseVersion("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc"))
        .hasValue("7.0.15");
    assertThat(HostServers.parseVersion("command not found")).isEqualTo(Optional.empty());
    assertThat(HostServers.compareVersions("9.6", "15")).isNegative();
    assertThat(HostServers.compareVersions("15.10", "15.2")).isPositive();
  }

  private ServerBinaries binaries(ServerBinaries.Source source, HostServers host) {
    PinnedServers pinned =
        new PinnedServers(
            getClass().getClassLoader(),
            dir.resolve("cache"),
            Map.of(DatabaseEngine.POSTGRES, POSTGRES, DatabaseEngine.REDIS, REDIS));
    return new ServerBinaries(source, pinned, host);
  }

  /** Debian's layout: two PostgreSQL majors and a redis-server, each answering --version. */
  private HostServers fakeHost() throws IOException {
    program(dir.resolve("lib/postgresql/15/bin/postgres"), "postgres (PostgreSQL) 15.14 (Debian)");
    program(dir.resolve("lib/postgresql/9.6/bin/postgres"), "postgres (PostgreSQL) 9.6.24");
    Files.createDirectories(dir.resolve("lib/postgresql/16/bin")); // a package's leftovers
    program(dir.resolve("bin/redis-server"), "Redis server v=7.0.15 sha=00000000:0");
    return new HostServers(
        List.of(dir.resolve("empty"), dir.resolve("bin")), List.of(dir.resolve("lib/postgresql")));
  }

  private static void program(Path path, String version) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\necho '" + version + "'\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
