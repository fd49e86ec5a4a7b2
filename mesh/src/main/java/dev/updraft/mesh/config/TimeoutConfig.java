package dev.updraft.mesh.config;

import java.time.Duration;

/**
 * Route timeouts (Linkerd: none by default). A timeout that fires before the response starts gives
 * 504 with {@code l5d-proxy-error}; route timeouts are not retried.
 *
 * @param request the whole request and response
 * @param responseHeaders per attempt, until the response head arrives (retryable)
 * @param idle no bytes in either direction for this long
 */
public record TimeoutConfig(Duration request, Duration responseHeaders, Duration idle) {
  public static final TimeoutConfig NONE = new TimeoutConfig(null, null, null);

  public TimeoutConfig {
    check("request", request);
    check("responseHeaders", responseHeaders);
    check("idle", idle);
  }

  private static void check(String field, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      throw new MeshConfigException(
          "timeouts." + field + ": " + Durations.format(d) + " (expected: > 0)");
    }
  }
}
