package dev.updraft.mesh.http;

import java.io.Serial;

/** The upstream connection failed: could not connect, or closed or reset before answering. */
public final class UpstreamException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final boolean connect;

  public UpstreamException(String message, boolean connect, Throwable cause) {
    super(message, cause, false, false);
    this.connect = connect;
  }

  /** True when no connection was made, so the request never reached the endpoint. */
  public boolean isConnectFailure() {
    return connect;
  }
}
