package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.mesh.identity.IdentityException;
import dev.updraft.mesh.identity.WorkloadName;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TokenReview verifier against fabric8's mock API server. */
class TokenReviewsTest {
  private static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";
  private static final WorkloadName WEB =
      new WorkloadName("web", "shop", "updraft", "cluster.local");
  private final KubernetesMockServer server = new KubernetesMockServer(false);

  {
    server.init();
  }

  @AfterEach
  void stop() {
    server.destroy();
  }

  private TokenReviews verifier() {
    return new TokenReviews(server.createClient(), "updraft", "cluster.local");
  }

  private static TokenReview answer(boolean authenticated, String user) {
    return new TokenReviewBuilder()
        .withNewStatus()
        .withAuthenticated(authenticated)
        .withNewUser()
        .withUsername(user)
        .endUser()
        .withError(authenticated ? null : "invalid bearer token")
        .endStatus()
        .build();
  }

  @Test
  void aServiceAccountTokenProvesItsWorkload() throws Exception {
    server
        .expect()
        .post()
        .withPath(PATH)
        .andReturn(201, answer(true, "system:serviceaccount:shop:web"))
        .once();
    assertThat(verifier().verify("projected-token", WEB)).isEqualTo(WEB);
    var request = server.takeRequest();
    assertThat(request.getBody().readUtf8())
        .contains("\"token\":\"projected-token\"")
        .contains("\"audiences\":[\"identity.l5d.io\"]");
  }

  @Test
  void aTokenOfAnotherAccountOrNoneIsRefused() {
    server
        .expect()
        .post()
        .withPath(PATH)
        .andReturn(201, answer(true, "system:serviceaccount:shop:admin"))
        .once();
    assertThatThrownBy(() -> verifier().verify("t", WEB))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining(
            "(expected: \"admin.shop.serviceaccount.identity.updraft.cluster.local\"");
    server.expect().post().withPath(PATH).andReturn(201, answer(false, null)).times(2);
    assertThatThrownBy(() -> verifier().verify("t", WEB))
        .hasMessage("token: not authenticated by the Kubernetes API (invalid bearer token)");
    server.expect().post().withPath(PATH).andReturn(201, answer(true, "alice")).once();
    assertThatThrownBy(() -> verifier().verify("t", WEB))
        .hasMessageContaining("token: user \"alice\" (expected: system:serviceaccount:");
  }
}
