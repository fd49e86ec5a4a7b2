package dev.updraft.deploy.kubernetes;

import dev.updraft.mesh.identity.IdentityException;
import dev.updraft.mesh.identity.TokenVerifier;
import dev.updraft.mesh.identity.WorkloadName;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * The identity service's token check on Kubernetes, as Linkerd's ({@code
 * linkerd2:controller/identity/validator.go}): a pod's projected ServiceAccount token goes to a
 * TokenReview; if the API server authenticates it as {@code system:serviceaccount:<ns>:<sa>}, it
 * proves that workload's identity. A review with the audience comes first; a cluster that does not
 * know the audience gets a second review without it, as Linkerd falls back.
 */
public final class TokenReviews implements TokenVerifier {
  /** The audience Linkerd's injector projects tokens for. */
  public static final String AUDIENCE = "identity.l5d.io";

  private static final String PREFIX = "system:serviceaccount:";
  private final KubernetesClient client;
  private final String controlNamespace;
  private final String trustDomain;

  public TokenReviews(KubernetesClient client, String controlNamespace, String trustDomain) {
    this.client = client;
    this.controlNamespace = controlNamespace;
    this.trustDomain = trustDomain;
  }

  @Override
  public WorkloadName verify(String token, WorkloadName claimed) {
    TokenReviewStatus status = review(token, List.of(AUDIENCE));
    if (!Boolean.TRUE.equals(status.getAuthenticated())) {
      status = review(token, List.of());
    }
    if (!Boolean.TRUE.equals(status.getAuthenticated())) {
      String why = status.getError();
      throw new IdentityException(
          "token: not authenticated by the Kubernetes API" + (why == null ? "" : " (" + why + ")"));
    }
    String user = status.getUser() == null ? null : status.getUser().getUsername();
    if (user == null || !user.startsWith(PREFIX) || user.split(":").length != 4) {
      throw new IdentityException(
          "token: user \"" + user + "\" (expected: system:serviceaccount:<namespace>:<name>)");
    }
    String[] parts = user.split(":");
    WorkloadName proven = new WorkloadName(parts[3], parts[2], controlNamespace, trustDomain);
    if (!proven.equals(claimed)) {
      throw new IdentityException(
          "identity: \"" + claimed + "\" (expected: \"" + proven + "\", the token's identity)");
    }
    return proven;
  }

  private TokenReviewStatus review(String token, List<String> audiences) {
    TokenReview request =
        new TokenReviewBuilder()
            .withNewMetadata()
            .endMetadata()
            .withNewSpec()
            .withToken(token)
            .withAudiences(audiences)
            .endSpec()
            .build();
    try {
      TokenReview answer = client.resource(request).create();
      TokenReviewStatus status = answer == null ? null : answer.getStatus();
      return status == null ? new TokenReviewStatus() : status;
    } catch (KubernetesClientException e) {
      throw new IdentityException("token: the TokenReview failed: " + e.getMessage(), e);
    }
  }
}
