package dev.updraft.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The host's database servers, from Debian's packages: PostgreSQL's programs under {@code
 * /usr/lib/postgresql/MAJOR/bin} (one directory per installed major version; what is on the PATH
 * are postgresql-common's wrappers, not the servers) and {@code redis-server} on the PATH. Each
 * server's version is what it says with {@code --version}.
 *
 * @param path the directories searched for {@code redis-server}
 * @param postgresRoots the directories holding {@code MAJOR/bin/postgres}
 */
record HostServers(List<Path> path, List<Path> postgresRoots) {
  static final Path DEBIAN_POSTGRES = Path.of("/usr/lib/postgresql");
  private static final Pattern VERSION =
      Pattern.compile("(?:PostgreSQL\\)|v=)\\s*(\\d+(?:\\.\\d+)*)");

  /** A server found on the host: its version and the directory of its programs. */
  record Found(String version, Path bin) {}

  HostServers {
    path = List.copyOf(path);
    postgresRoots = List.copyOf(postgresRoots);
  }

  /** What this machine has: the PATH of {@code env} and Debian's PostgreSQL directory. */
  static HostServers of(Map<String, String> env) {
    List<Path> path =
        Arrays.stream(env.getOrDefault("PATH", "").split(":"))
            .filter(dir -> !dir.isEmpty())
            .map(Path::of)
            .toList();
    return new HostServers(path, List.of(DEBIAN_POSTGRES));
  }

  /** Every PostgreSQL server installed, newest first. */
  List<Found> postgres() {
    List<Found> found = new ArrayList<>();
    for (Path root : postgresRoots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> majors = Files.list(root)) {
        majors
            .map(major -> major.resolve("bin"))
            .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
            .forEach(
                bin ->
                    found.add(
                        new Found(
                            version(bin.resolve("postgres"))
                                .orElse(bin.getParent().getFileName().toString()),
                            bin)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    found.sort(Comparator.comparing(Found::version, HostServers::compareVersions).reversed());
    return found;
  }

  /** The {@code redis-server} first on the PATH. */
  Optional<Found> redis() {
    for (Path dir : path) {
      Path program = dir.resolve("redis-server");
      if (Files.isRegularFile(program) && Files.isExecutable(program)) {
        return Optional.of(new Found(version(program).orElse("unknown"), dir));
      }
    }
    return Optional.empty();
  }

  /** Numeric comparison, part by part: 9.6 before 15, 15.2 before 15.10. */
  static int compareVersions(String a, String b) {
    String[] left = a.split("\\.");
    String[] right = b.split("\\.");
    for (int i = 0; i < Math.max(left.length, right.length); i++) {
      int x = i < left.length ? number(left[i]) : 0;
      int y = i < right.length ? number(right[i]) : 0;
      if (x != y) {
        return Integer.compare(x, y);
      }
    }
    return 0;
  }

  private static int number(String part) {
    String digits = part.replaceAll("\\D.*", "");
    return digits.isEmpty() ? 0 : Integer.parseInt(digits);
  }

  /**
   * What a server program says with {@code --version}: {@code postgres (PostgreSQL) 15.14 (Debian
   * 15.14-0+deb12u1)}, {@code Redis server v=7.0.15 sha=...}.
   */
  static Optional<String> version(Path program) {
    try {
      Process process =
          new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return parseVersion(output);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static Optional<String> parseVersion(String output) {
    Matcher matcher = VERSION.matcher(output);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }
}
