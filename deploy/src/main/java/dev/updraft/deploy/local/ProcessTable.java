package dev.updraft.deploy.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The supervisor's process table on disk, replaced atomically so a crash never tears it. */
final class ProcessTable {
  /** One managed process: what to run, and the process running it now (pid 0: none). */
  record Row(Protocol.ProcessSpec spec, long pid, long startedMillis) {}

  // Only the supervisor reads and writes the table, once per change: data binding is cheap here.
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  ProcessTable(Path file) {
    this.file = file;
  }

  List<Row> load() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<List<Row>>() {});
    } catch (IOException e) {
      // An unreadable table cannot be trusted; the engine reconciles from its journal instead.
      return List.of();
    }
  }

  synchronized void save(List<Row> rows) {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      JSON.writeValue(temp.toFile(), rows);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
