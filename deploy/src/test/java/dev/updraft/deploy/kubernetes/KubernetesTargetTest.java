package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.events.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Server-side apply and watch-driven rollouts against fabric8's mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesTargetTest {
  KubernetesClient client;

  private static final String SPEC =
      """
      environment: web
      target: kubernetes
      containers:
        api: {image: "nginx:1.27", port: 80, instances: 2, health: {path: /}}
      """;

  @Test
  void appliesEveryObjectAndWaitsForTheRolloutThroughWatches() throws Exception {
    List<HasMetadata> objects = KubernetesRendererTest.render(SPEC);
    List<Event> events = new CopyOnWriteArrayList<>();
    KubernetesTarget target = new KubernetesTarget(client, events::add, Duration.ofSeconds(20));
    target.apply(objects);
    assertThat(client.namespaces().withName("web").get()).isNotNull();
    Deployment deployment = client.apps().deployments().inNamespace("web").withName("api").get();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(client.services().inNamespace("web").withName("api").get()).isNotNull();
    assertThat(client.configMaps().inNamespace("web").withName("api-config").get().getData()).containsEntry("PORT", "80");

    // The mock runs no controllers: play the Deployment controller once the engine waits.
    Thread controller =
        Thread.ofVirtual()
            .start(
                () -> {
                  sleep(500);
                  Deployment d = client.apps().deployments().inNamespace("web").withName("api").get();
                  d.getMetadata().setGeneration(1L);
                  d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                      .withObservedGeneration(1L).withReplicas(2).withUpdatedReplicas(2).withAvailableReplicas(2).build());
                  client.resource(d).inNamespace("web").updateStatus();
                });
    target.awaitRollouts(objects);
    controller.join();
    assertThat(events).anyMatch(e -> e instanceof Event.StepEvent s && s.step().equals("rollout")
        && s.outcome() == Event.Outcome.DONE && s.message().contains("2 of 2"));
  }

  @Test
  void aPodInCrashLoopFailsTheRolloutAtOnce() {
    List<HasMetadata> objects = KubernetesRendererTest.render(SPEC);
    KubernetesTarget target = new KubernetesTarget(client, e -> {}, Duration.ofSeconds(30));
    target.apply(objects);
    Thread.ofVirtual()
        .start(
            () -> {
              sleep(500);
              client.pods().inNamespace("web").resource(new PodBuilder()
                  .withNewMetadata().withName("api-7d9c-x1").addToLabels("app.kubernetes.io/name", "api").endMetadata()
                  .withNewStatus().addNewContainerStatus().withName("api").withRestartCount(3)
                  .withNewState().withNewWaiting().withReason("CrashLoopBackOff").withMessage("back-off 40s restarting failed container")
                  .endWaiting().endState().endContainerStatus().endStatus().build()).create();
            });
    long start = System.nanoTime();
    assertThatThrownBy(() -> target.awaitRollouts(objects))
        .isInstanceOfSatisfying(DeployException.class, e -> {
          assertThat(e.tag()).isEqualTo("ROLLOUT_FAILED");
          assertThat(e.getMessage()).contains("CrashLoopBackOff");
        });
    assertThat((System.nanoTime() - start) / 1_000_000_000).as("failed early, not at the timeout").isLessThan(15);
  }

  @Test
  void exitCodesReadAsWords() {
    assertThat(ExitCodes.describe(137)).contains("SIGKILL").contains("memory");
    assertThat(ExitCodes.describe(127)).contains("not found");
    assertThat(ExitCodes.describe(3)).isEqualTo("failed with exit code 3");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
