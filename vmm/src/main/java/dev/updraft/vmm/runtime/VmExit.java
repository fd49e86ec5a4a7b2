package dev.updraft.vmm.runtime;

import java.util.Objects;

/**
 * How a guest ended: the process exit code ({@code 0} for a guest reset, as Firecracker) and a
 * reason for the log, e.g. {@code "guest reset through i8042"}.
 */
public record VmExit(int exitCode, String reason) {
  public VmExit {
    if (exitCode < 0 || exitCode > 255) {
      throw new IllegalArgumentException("exitCode: " + exitCode + " (expected: 0 to 255)");
    }
    Objects.requireNonNull(reason, "reason");
  }
}
