package dev.updraft.mesh.policy;

import java.io.Serial;

/**
 * A request the inbound policy refused: {@link #rateLimited} false is Linkerd's unauthorized (403,
 * gRPC PERMISSION_DENIED), true its rate limited (429, gRPC RESOURCE_EXHAUSTED). Neither closes the
 * connection.
 */
public final class PolicyException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;
  private final boolean rateLimited;

  private PolicyException(String message, boolean rateLimited) {
    super(message, null, false, false);
    this.rateLimited = rateLimited;
  }

  public static PolicyException of(Verdict refusal) {
    return switch (refusal) {
      case Verdict.Deny deny -> new PolicyException(deny.reason(), false);
      case Verdict.RateLimited limited ->
          new PolicyException("local rate limit exceeded (" + limited.limit() + ")", true);
      case Verdict.Allow allow ->
          throw new IllegalArgumentException("refusal: " + allow + " (expected: a refusal)");
    };
  }

  public boolean rateLimited() {
    return rateLimited;
  }
}
