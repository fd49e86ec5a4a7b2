package dev.updraft.mesh.http;

import java.io.Serial;

/** The upstream connection failed: could not connect, or closed or reset before answering. */
public final class UpstreamException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final boolean connect;
  private final boolean staleConnection;

  public UpstreamException(String message, boolean connect, Throwable cause) {
    this(message, connect, false, cause);
  }

  /**
   * @param staleConnection a reused keep-alive connection closed before any response: the server
   *     was closing it as the request went out, so the request was not processed
   */
  public UpstreamException(
      String message, boolean connect, boolean staleConnection, Throwable cause) {
    super(message, cause, false, false);
    this.connect = connect;
    this.staleConnection = staleConnection;
  }

  /** True when no connection was made, so the request never reached the endpoint. */
  public boolean isConnectFailure() {
    return connect;
  }

  /** True when a reused keep-alive connection closed before the response began. */
  public boolean isStaleConnection() {
    return staleConnection;
  }
}
