package dev.updraft.mesh.http;

import java.io.Serial;

/** The upstream connection failed: could not connect, or closed or reset before answering. */
public final class UpstreamException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final boolean connect;
  private final boolean staleConnection;
  private final boolean refused;

  public UpstreamException(String message, boolean connect, Throwable cause) {
    this(message, connect, false, cause);
  }

  /**
   * @param staleConnection a reused keep-alive connection closed before any response: the server
   *     was closing it as the request went out, so the request was not processed
   */
  public UpstreamException(
      String message, boolean connect, boolean staleConnection, Throwable cause) {
    this(message, connect, staleConnection, false, cause);
  }

  /**
   * @param refused the endpoint said it did not process the request (HTTP/2 REFUSED_STREAM or
   *     GOAWAY below the stream), so any request may be sent again on another connection
   */
  public UpstreamException(
      String message, boolean connect, boolean staleConnection, boolean refused, Throwable cause) {
    super(message, cause, false, false);
    this.connect = connect;
    this.staleConnection = staleConnection;
    this.refused = refused;
  }

  /** True when the endpoint refused the request without processing it. */
  public boolean isRefused() {
    return refused;
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
