package dev.updraft.vmm.api;

import dev.updraft.sys.Printable;
import java.io.Serial;

/**
 * A JSON document does not have the shape a resource needs: not JSON, an unknown or missing field,
 * a value of the wrong type. The message names the field by its path, e.g. {@code
 * "drives[0].rate_limiter.ops.size: \"10\" (expected: an integer)"}. The API reports it like
 * Firecracker reports a serde error; the config-file loader with the file name in front.
 *
 * <p>Field names and values come from the client and end up in log lines and fault messages, so
 * control characters are escaped here, once for every message.
 */
final class JsonFieldException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  JsonFieldException(String message) {
    super(Printable.escape(message));
  }
}
