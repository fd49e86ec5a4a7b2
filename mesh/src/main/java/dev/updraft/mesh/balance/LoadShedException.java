package dev.updraft.mesh.balance;

import java.io.Serial;

/**
 * A queue in front of the endpoints is full (the balancer's, or the requests waiting for an HTTP/2
 * stream): Linkerd sheds the request with 503 (gRPC UNAVAILABLE).
 */
public final class LoadShedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public LoadShedException(String backend, int capacity) {
    super(
        "backend " + backend + " is overloaded: " + capacity + " requests already waiting",
        null,
        false,
        false);
  }

  /** Shed for another reason than the balancer queue, which {@code message} names. */
  public LoadShedException(String message) {
    super(message, null, false, false);
  }
}
