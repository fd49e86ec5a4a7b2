package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  /** A Deployment of {@code version} whose controller reports every replica updated and ready. */
  private static Deployment rolledOut(String version, long generation, long observed) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("search")
        .withGeneration(generation)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels(Labels.VERSION, version)
        .endMetadata()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(observed)
        .withReplicas(2)
        .withUpdatedReplicas(2)
        .withAvailableReplicas(2)
        .endStatus()
        .build();
  }

  private static CompletableFuture<String> check(Deployment d, String version) {
    CompletableFuture<String> done = new CompletableFuture<>();
    Readiness.check(
        Readiness.Kind.DEPLOYMENT, d, version, new PodTracker("search", version, null), done);
    return done;
  }

  @Test
  void theObjectFromBeforeTheApplySaysNothingOfTheNewRollout() {
    // A watch cache that lags behind the apply still holds the last version, fully rolled out
    // (KubernetesDeployIT once saw a crashing release pass as ready this way). The new version's
    // own rollout is KubernetesDeployIT's to show: its tracker reports to a real release.
    assertThat(check(rolledOut("v1", 3, 3), "v2")).isNotDone();
  }
}
