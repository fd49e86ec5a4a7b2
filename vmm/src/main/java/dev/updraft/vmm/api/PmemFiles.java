package dev.updraft.vmm.api;

import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.PmemConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The backing file of a {@code PUT /pmem/{id}}, checked when the request comes, as drives' are
 * here: Firecracker opens it only at InstanceStart, which would report the same problem later and
 * after the rest of the configuration. The texts are Firecracker's {@code PmemError}s followed by
 * the field, the value and what was expected. The core checks the file again when it maps it.
 */
final class PmemFiles {
  private PmemFiles() {}

  static PmemConfig checked(PmemConfig pmem) {
    Path path = pmem.pathOnHost();
    String access = pmem.readOnly() ? "read" : "read and write";
    boolean usable =
        Files.isRegularFile(path)
            && Files.isReadable(path)
            && (pmem.readOnly() || Files.isWritable(path));
    if (!usable) {
      throw new ConfigException(
          "Error accessing backing file: path_on_host: "
              + path
              + " (expected: an existing regular file the VMM can "
              + access
              + ")");
    }
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      throw new ConfigException(
          "Error accessing backing file: path_on_host: " + path + ": " + e.getMessage());
    }
    if (size == 0) {
      throw new ConfigException(
          "Error backing file size is 0 (path_on_host: "
              + path
              + ", expected: a file of at least one byte)");
    }
    return pmem;
  }
}
