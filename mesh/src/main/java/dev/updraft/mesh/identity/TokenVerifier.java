package dev.updraft.mesh.identity;

/**
 * Proves who a certificate request comes from: the local target's per-instance tokens, or on
 * Kubernetes a projected ServiceAccount token checked with a TokenReview.
 */
@FunctionalInterface
public interface TokenVerifier {
  /**
   * The identity {@code token} proves for a request that claims {@code claimed}; throws {@link
   * IdentityException} when it proves nothing or something else.
   */
  WorkloadName verify(String token, WorkloadName claimed);
}
