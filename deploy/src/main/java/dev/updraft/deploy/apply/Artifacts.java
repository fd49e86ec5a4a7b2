package dev.updraft.deploy.apply;

import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.state.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Build artifacts on this machine: a service's source copied and built once, in {@code
 * DIR/artifacts/KEY}, the key being a hash of the source files and the build command ({@link
 * Versions#artifactKey}). The local target runs services from them; the kubernetes target packs
 * them into images. Builds write to {@code DIR/logs/ID.log}.
 */
public final class Artifacts {
  /** The file that marks a finished build; it is not part of what the build produced. */
  public static final String MARKER = ".staged";

  private final Path dir;
  private final Map<String, Object> buildLocks = new ConcurrentHashMap<>();

  /**
   * @param dir the target's data directory
   */
  public Artifacts(Path dir) {
    this.dir = dir;
  }

  /** Where the output of a process with this id goes. */
  public Path log(String id) {
    return dir.resolve("logs").resolve(id + ".log");
  }

  /**
   * Copies {@code source} and runs {@code build} in the copy, unless an artifact with the same key
   * was built before; returns the artifact's directory. Files secrets are read from ({@code
   * leaveOut}) are not copied: an artifact holds no secret.
   */
  public Path stage(String service, String version, Path source, String build, Set<Path> leaveOut) {
    if (!Files.isDirectory(source)) {
      throw new DeployException(
          "SOURCE_MISSING",
          service + ": path " + source + " is not a directory",
          "fix the service's path in updraft.yaml",
          null);
    }
    // Content-addressed: the same sources and build command give the same artifact, built once
    // even when several services (or releases) use it.
    String key = Versions.artifactKey(source, build, leaveOut);
    Path artifact = dir.resolve("artifacts").resolve(key);
    synchronized (buildLocks.computeIfAbsent(key, k -> new Object())) {
      if (Files.exists(artifact.resolve(MARKER))) {
        return artifact;
      }
      return build(service, version, source, build, leaveOut, artifact);
    }
  }

  private Path build(
      String service,
      String version,
      Path source,
      String build,
      Set<Path> leaveOut,
      Path artifact) {
    try {
      deleteTree(artifact);
      copyTree(source, artifact, leaveOut);
      if (build != null && !build.isBlank()) {
        String id = service + "-" + version + "-build";
        Process process = process(shell(build), artifact, Map.of(), log(id)).start();
        boolean ended = process.waitFor(30, TimeUnit.MINUTES);
        if (!ended || process.exitValue() != 0) {
          process.destroyForcibly();
          String tail = logTail(id, 20);
          int exit = ended ? process.exitValue() : -1;
          throw new DeployException(
              "BUILD_FAILED",
              service + ": build failed (exit " + (ended ? exit : "timeout") + "): " + build,
              ExitHints.hint(exit, build, tail, "the service's build")
                  .orElse("run the build in " + source + " to see the whole error"),
              tail);
        }
      }
      PrivateFiles.write(artifact.resolve(MARKER), version);
      return artifact;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", service + ": build interrupted", null, null);
    }
  }

  /** The last lines of a process's log, for error reports. */
  public String logTail(String id, int lines) {
    Path log = log(id);
    if (!Files.exists(log)) {
      return "";
    }
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      // An instance's log is stamped (deploy logs shows the times); a tail in an error shows text.
      return String.join(
          "\n",
          all.subList(Math.max(0, all.size() - lines), all.size()).stream()
              .map(LogLine::unstamped)
              .toList());
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  // Builds and services see a small, predictable environment: their own variables, a PATH whose
  // java is the JDK running updraft, and nothing else of the shell that started the engine.
  public static Map<String, String> environment(Map<String, String> env) {
    Map<String, String> base = new HashMap<>();
    String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
    base.put(
        "PATH",
        javaBin + ":" + System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    base.put("JAVA_HOME", System.getProperty("java.home"));
    base.put("HOME", System.getenv().getOrDefault("HOME", "/tmp"));
    base.put("LANG", System.getenv().getOrDefault("LANG", "C.UTF-8"));
    base.putAll(env);
    return base;
  }

  /**
   * {@code command} as Kubernetes runs a container's command, {@code sh -c COMMAND}, so that
   * variables set before a program and {@code cd dir && ./run} work; with a private umask first, so
   * that what it writes in the state directory is its owner's only. Both shells exec, so the
   * process keeps one pid.
   */
  public static List<String> shell(String command) {
    return List.of("/bin/sh", "-c", "umask 077 && exec /bin/sh -c \"$1\"", "updraft", command);
  }

  /**
   * A process in {@code cwd} with {@link #environment}, its output appended to {@code log} (made
   * private if new).
   */
  public static ProcessBuilder process(
      List<String> command, Path cwd, Map<String, String> env, Path log) {
    PrivateFiles.touch(log);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(environment(env));
    return builder;
  }

  private static void copyTree(Path from, Path to, Set<Path> leaveOut) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path relative = from.relativize(source);
        if (relative.toString().startsWith(".updraft")
            || leaveOut.contains(source.toAbsolutePath().normalize())) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(source)) {
          PrivateFiles.directories(target);
        } else {
          PrivateFiles.copy(source, target);
        }
      }
    }
  }

  /** Deletes a directory tree; nothing when it does not exist. */
  public static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      List<Path> all = new ArrayList<>(files.toList());
      Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }
}
