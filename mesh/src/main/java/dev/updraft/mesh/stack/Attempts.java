package dev.updraft.mesh.stack;

import dev.updraft.mesh.metrics.RouteStats;
import dev.updraft.mesh.resilience.RetryPolicy;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Counts one request's attempts and decides whether another is allowed: by the route's retry limit
 * and budget, by whether the body can be replayed, and, separately, for connect failures and HTTP/2
 * refusals (nothing was processed, so another endpoint or connection may always be tried a few
 * times).
 */
final class Attempts {
  private static final int MAX_CONNECT_RETRIES = 3;
  private static final int MAX_REFUSED_RETRIES = 3;

  private final RetryPolicy policy;
  private final RouteStats stats;
  private int attempts;
  private int connectRetries;
  private int refusedRetries;

  Attempts(RetryPolicy policy, RouteStats stats) {
    this.policy = policy;
    this.stats = stats;
  }

  /** Starts an attempt; returns whether it is a retry (the body must be replayed). */
  boolean begin() {
    attempts++;
    return attempts > 1;
  }

  boolean isRetry() {
    return attempts > 1;
  }

  /** Whether a failed connect may try another endpoint; the attempt does not count as a retry. */
  boolean reconnect() {
    if (connectRetries++ >= MAX_CONNECT_RETRIES) {
      return false;
    }
    attempts--;
    return true;
  }

  /** Whether the route allows a retry now (and takes it from the budget). */
  boolean retry(RequestBody body) {
    if (!body.complete() || policy.limit() == 0) {
      return false;
    }
    if (!body.replayable()) {
      stats.onRetryOverflow();
      return false;
    }
    if (attempts > policy.limit() || !policy.takeRetry()) {
      stats.onRetriesExhausted();
      return false;
    }
    return true;
  }

  /**
   * A reused keep-alive connection closed before answering: the server was closing it as we sent.
   * An idempotent request is safe to send once more whatever the policy, as HTTP clients do.
   */
  boolean staleConnectionRetry(HttpMethod method, RequestBody body) {
    return attempts == 1 && idempotent(method) && body.complete() && body.replayable();
  }

  /**
   * An HTTP/2 endpoint refused the request unprocessed (REFUSED_STREAM, or GOAWAY below its
   * stream): any method may go again, a few times, if the whole body can be replayed.
   */
  boolean refusedRetry(RequestBody body) {
    return refusedRetries++ < MAX_REFUSED_RETRIES && body.complete() && body.replayable();
  }

  /** RFC 9110 section 9.2.2: applying the request twice has the effect of applying it once. */
  static boolean idempotent(HttpMethod m) {
    return m == HttpMethod.GET
        || m == HttpMethod.HEAD
        || m == HttpMethod.OPTIONS
        || m == HttpMethod.PUT
        || m == HttpMethod.DELETE
        || m == HttpMethod.TRACE;
  }
}
