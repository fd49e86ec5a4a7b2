package dev.updraft.mesh.policy;

/** What a port's policy says about a connection or a request. */
public sealed interface Verdict {
  /**
   * Admitted by an authorization.
   *
   * @param kind the {@code authz_kind} label: {@code default} or {@code authorizationpolicy}
   * @param name the {@code authz_name} label
   */
  record Allow(String kind, String name) implements Verdict {}

  /** Refused: no authorization admits it (403, or a closed connection). */
  record Deny(String reason) implements Verdict {}

  /**
   * Admitted, but over a local rate limit (429).
   *
   * @param limit the {@code rate_limit} label: total, override or identity
   */
  record RateLimited(String limit) implements Verdict {}
}
