package dev.updraft.vmm.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code PUT /snapshot/create} (Firecracker's {@code SnapshotCreateParams}).
 *
 * @param type Full or Diff ({@code snapshot_type}, Full when absent)
 * @param snapshotPath where the state file goes ({@code snapshot_path})
 * @param memFilePath where the memory file goes ({@code mem_file_path})
 */
public record SnapshotCreate(SnapshotType type, Path snapshotPath, Path memFilePath) {
  public SnapshotCreate {
    Objects.requireNonNull(type, "snapshot_type");
    Objects.requireNonNull(snapshotPath, "snapshot_path");
    Objects.requireNonNull(memFilePath, "mem_file_path");
    if (snapshotPath.equals(memFilePath)) {
      throw ConfigException.of("mem_file_path", memFilePath, "a file other than snapshot_path's");
    }
  }
}
