package dev.updraft.vmm.snapshot;

import dev.updraft.sys.Printable;
import java.io.Serial;

/**
 * A snapshot cannot be taken or loaded: a state file that is not one, of another version, damaged
 * or truncated; a memory file of the wrong size; a file that cannot be written. The message says
 * which file and what is wrong, in terms the API's fault message can carry as it is.
 */
public final class SnapshotException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public SnapshotException(String message) {
    super(Printable.escape(message));
  }

  public SnapshotException(String message, Throwable cause) {
    super(Printable.escape(message), cause);
  }
}
