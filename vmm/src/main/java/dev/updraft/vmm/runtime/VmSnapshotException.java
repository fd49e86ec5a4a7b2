package dev.updraft.vmm.runtime;

import java.io.Serial;

/**
 * A snapshot could not be created or loaded. The API answers 400 with Firecracker's prefix ({@code
 * "Create snapshot error: "}, {@code "Load snapshot error: Failed to restore from snapshot: "}) and
 * this message, which names the file, field or state that is wrong. A failed load leaves nothing
 * running: the VMM can still be configured or load another snapshot.
 */
public final class VmSnapshotException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public VmSnapshotException(String message) {
    super(message);
  }

  public VmSnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
