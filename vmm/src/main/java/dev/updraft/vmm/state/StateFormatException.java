package dev.updraft.vmm.state;

import dev.updraft.sys.Printable;
import java.io.Serial;

/**
 * A snapshot's bytes do not decode: too short, a value out of range, bytes left over. The message
 * names the part (e.g. {@code devices: block rootfs: queue 0: next_avail}) and what was wrong.
 */
public final class StateFormatException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public StateFormatException(String message) {
    super(Printable.escape(message));
  }

  public StateFormatException(String message, Throwable cause) {
    super(Printable.escape(message), cause);
  }
}
