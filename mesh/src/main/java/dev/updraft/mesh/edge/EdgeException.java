package dev.updraft.mesh.edge;

import java.io.Serial;

/**
 * Something the proxy refuses at its edge, with the status to answer: a request without exactly one
 * meaning (400, 414, 431, 501, 505), a client too slow to send one (408), or a backend's response
 * that cannot be relayed (502).
 */
public final class EdgeException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;

  public EdgeException(int status, String message) {
    super(message, null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
    }
    this.status = status;
  }

  /** The HTTP status the proxy answers with. */
  public int status() {
    return status;
  }
}
