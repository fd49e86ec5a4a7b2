package dev.updraft.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The supervisor's table on disk, the processes and the cron jobs it keeps, replaced atomically so
 * a crash never tears it.
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

  // Only the supervisor reads and writes the table, once per change: data binding is cheap here.
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  ProcessTable(Path file) {
    this.file = file;
  }

  Contents load() {
    if (!Files.exists(file)) {
      return new Contents(null, null, null);
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root.isArray()) { // a table written before cron jobs: processes only
        Row[] rows = JSON.treeToValue(root, Row[].class);
        return new Contents(List.of(rows), null, null);
      }
      return JSON.treeToValue(root, Contents.class);
    } catch (IOException e) {
      // An unreadable table cannot be trusted; the engine reconciles from its journal instead.
      return new Contents(null, null, null);
    }
  }

  synchronized void save(Contents contents) {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      JSON.writeValue(temp.toFile(), contents);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
