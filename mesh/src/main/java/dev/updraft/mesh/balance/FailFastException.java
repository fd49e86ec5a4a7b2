package dev.updraft.mesh.balance;

import java.io.Serial;

/**
 * No endpoint became ready within the failfast timeout: Linkerd answers 504 (gRPC
 * DEADLINE_EXCEEDED) and keeps failing fast until an endpoint is ready again.
 */
public final class FailFastException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public FailFastException(String backend, long timeoutMillis) {
    super(
        "logical service " + backend + " in fail-fast after " + timeoutMillis + "ms",
        null,
        false,
        false);
  }
}
