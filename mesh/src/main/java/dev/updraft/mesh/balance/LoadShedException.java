package dev.updraft.mesh.balance;

import java.io.Serial;

/** The balancer queue is full: Linkerd sheds the request with 503 (gRPC UNAVAILABLE). */
public final class LoadShedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public LoadShedException(String backend, int capacity) {
    super(
        "backend " + backend + " is overloaded: " + capacity + " requests already waiting",
        null,
        false,
        false);
  }
}
