package dev.updraft.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.deploy.state.SealedValueException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The supervisor's table on disk, the processes and the cron jobs it keeps, replaced atomically so
 * a crash never tears it, and readable by its owner only. The supervisor needs each process's
 * environment after its own restart (to restart a process that crashed), but cannot tell which
 * variables hold secrets: every value but updraft's own ({@link #PLAIN}) is sealed with the
 * environment's key, each as its process and name.
 */
final class ProcessTable {
  /**
   * One managed process: what to run, the process running it now (pid 0: none), and how often it
   * was restarted (0 in a table written before the count was kept).
   */
  record Row(Protocol.ProcessSpec spec, long pid, long startedMillis, int restarts) {}

  /** What the file holds. */
  record Contents(List<Row> processes, List<ScheduledJob.Row> schedules, Routing routing) {
    Contents {
      processes = processes == null ? List.of() : processes;
      schedules = schedules == null ? List.of() : schedules;
    }
  }

  /** Variables updraft sets itself, kept readable. */
  static final Set<String> PLAIN = Set.of("PATH", "HOME", "LANG", "JAVA_HOME", "PORT");

  // Only the supervisor reads and writes the table, once per change: data binding is cheap here.
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final EnvironmentKey key;

  ProcessTable(Path file, EnvironmentKey key) {
    this.file = file;
    this.key = key;
  }

  /** The table with its environment values opened, for a supervisor that restarts processes. */
  Contents load() {
    return map(peek(file), this::open);
  }

  /**
   * The table in {@code file} as it is on disk, its environment values left sealed: for a reader
   * that needs only ids, pids and ports ({@link Observation}), and so no key.
   */
  static Contents peek(Path file) {
    if (!Files.exists(file)) {
      return new Contents(null, null, null);
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root.isArray()) { // a table written before cron jobs: processes only
        return new Contents(List.of(JSON.treeToValue(root, Row[].class)), null, null);
      }
      return JSON.treeToValue(root, Contents.class);
    } catch (IOException e) {
      // An unreadable table cannot be trusted; the engine reconciles from its journal instead.
      return new Contents(null, null, null);
    }
  }

  synchronized void save(Contents contents) {
    try {
      PrivateFiles.write(file, JSON.writeValueAsBytes(map(contents, this::seal)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String seal(String field, String value) {
    return EnvironmentKey.isSealed(value) ? value : key.seal(field, value);
  }

  private String open(String field, String value) {
    try {
      return key.open(field, value);
    } catch (SealedValueException e) {
      // Kept sealed: the process still runs and is adopted; only a restart would lack the value.
      System.out.println("cannot open " + e.getMessage());
      return value;
    }
  }

  /** {@code contents} with every variable not in {@link #PLAIN} passed through {@code how}. */
  private static Contents map(Contents contents, BiFunction<String, String, String> how) {
    return new Contents(
        contents.processes().stream()
            .map(r -> new Row(map(r.spec(), how), r.pid(), r.startedMillis(), r.restarts()))
            .toList(),
        contents.schedules().stream()
            .map(
                r ->
                    r.spec() == null
                        ? r
                        : new ScheduledJob.Row(
                            new Protocol.ScheduleSpec(
                                map(r.spec().run(), how),
                                r.spec().cron(),
                                r.spec().zone(),
                                r.spec().timeoutMillis()),
                            r.lastFireMillis(),
                            r.runs(),
                            r.pid(),
                            r.startedMillis(),
                            r.lastOutcome(),
                            r.lastExit()))
            .toList(),
        contents.routing());
  }

  private static Protocol.ProcessSpec map(
      Protocol.ProcessSpec p, BiFunction<String, String, String> how) {
    if (p == null || p.env() == null) {
      return p;
    }
    Map<String, String> env = new LinkedHashMap<>();
    p.env()
        .forEach(
            (name, value) ->
                env.put(
                    name,
                    PLAIN.contains(name) || value == null
                        ? value
                        : how.apply("supervisor " + p.id() + " env " + name, value)));
    return new Protocol.ProcessSpec(
        p.id(), p.service(), p.command(), p.cwd(), env, p.log(), p.restart(), p.resources());
  }
}
