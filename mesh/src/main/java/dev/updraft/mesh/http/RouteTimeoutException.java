package dev.updraft.mesh.http;

import java.io.Serial;
import java.time.Duration;
import java.util.Locale;

/** A route timeout fired (Linkerd's REQUEST_TIMEOUT, RESPONSE_HEADERS_TIMEOUT, IDLE_TIMEOUT). */
public final class RouteTimeoutException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** Which timeout, named as Linkerd's error label. */
  public enum Kind {
    REQUEST_TIMEOUT,
    RESPONSE_HEADERS_TIMEOUT,
    IDLE_TIMEOUT
  }

  private final Kind kind;

  public RouteTimeoutException(Kind kind, Duration after) {
    super(
        kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')
            + " after "
            + after.toMillis()
            + "ms",
        null,
        false,
        false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
