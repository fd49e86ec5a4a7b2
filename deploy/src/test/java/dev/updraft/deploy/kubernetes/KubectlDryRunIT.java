package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dry run's directory is what {@code kubectl apply -f} takes: kubectl reads every file and
 * recognises every kind. kubectl needs an API server's discovery even for a client-side dry run, so
 * a mock server answers discovery for the kinds updraft renders (and 404 for every object).
 */
@NeedsProgram(value = "kubectl", debian = "kubernetes-client")
class KubectlDryRunIT {
  private static final java.util.Set<String> CLUSTER_WIDE =
      java.util.Set.of("namespaces", "clusterroles", "clusterrolebindings");

  @TempDir Path dir;
  KubernetesMockServer server;

  @BeforeEach
  void discovery() {
    server = new KubernetesMockServer(false);
    server.init();
    answer("/api", new APIVersionsBuilder().withVersions("v1").build());
    answer(
        "/apis",
        new APIGroupListBuilder()
            .addNewGroup()
            .withName("apps")
            .addNewVersion("apps/v1", "v1")
            .endGroup()
            .addNewGroup()
            .withName("batch")
            .addNewVersion("batch/v1", "v1")
            .endGroup()
            .addNewGroup()
            .withName("autoscaling")
            .addNewVersion("autoscaling/v2", "v2")
            .endGroup()
            .addNewGroup()
            .withName("networking.k8s.io")
            .addNewVersion("networking.k8s.io/v1", "v1")
            .endGroup()
            .addNewGroup()
            .withName("rbac.authorization.k8s.io")
            .addNewVersion("rbac.authorization.k8s.io/v1", "v1")
            .endGroup()
            .addNewGroup()
            .withName("gateway.networking.k8s.io")
            .addNewVersion("gateway.networking.k8s.io/v1", "v1")
            .endGroup()
            .build());
    resources(
        "/api/v1",
        "v1",
        "namespaces",
        "Namespace",
        "configmaps",
        "ConfigMap",
        "secrets",
        "Secret",
        "services",
        "Service",
        "serviceaccounts",
        "ServiceAccount");
    resources(
        "/apis/rbac.authorization.k8s.io/v1",
        "rbac.authorization.k8s.io/v1",
        "clusterroles",
        "ClusterRole",
        "clusterrolebindings",
        "ClusterRoleBinding");
    resources(
        "/apis/apps/v1", "apps/v1", "deployments", "Deployment", "statefulsets", "StatefulSet");
    resources("/apis/batch/v1", "batch/v1", "jobs", "Job", "cronjobs", "CronJob");
    resources(
        "/apis/autoscaling/v2",
        "autoscaling/v2",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler");
    resources("/apis/networking.k8s.io/v1", "networking.k8s.io/v1", "ingresses", "Ingress");
    resources(
        "/apis/gateway.networking.k8s.io/v1",
        "gateway.networking.k8s.io/v1",
        "httproutes",
        "HTTPRoute");
  }

  /** One group version's kinds; namespaces and cluster roles are cluster-wide, the rest not. */
  private void resources(String path, String groupVersion, String... pluralsAndKinds) {
    APIResourceListBuilder list = new APIResourceListBuilder().withGroupVersion(groupVersion);
    for (int i = 0; i < pluralsAndKinds.length; i += 2) {
      list.addNewResource()
          .withName(pluralsAndKinds[i])
          .withKind(pluralsAndKinds[i + 1])
          .withNamespaced(!CLUSTER_WIDE.contains(pluralsAndKinds[i]))
          .withVerbs("get", "list", "create", "patch", "delete")
          .endResource();
    }
    answer(path, list.build());
  }

  /** kubectl asks discovery with {@code ?timeout=32s}. */
  private void answer(String path, Object body) {
    server.expect().get().withPath(path).andReturn(200, body).always();
    server.expect().get().withPath(path + "?timeout=32s").andReturn(200, body).always();
  }

  @AfterEach
  void stop() {
    server.destroy();
  }

  @ParameterizedTest
  @ValueSource(strings = {"shop", "gateway"})
  void kubectlAppliesTheDirectoryInADryRun(String name) throws Exception {
    Manifests.Written written =
        KubernetesGoldenTest.dryRun(name, dir, KubernetesGoldenTest.DEPLOYED, false);
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s"}}]
        users: [{name: mock, user: {token: mock}}]
        contexts: [{name: mock, context: {cluster: mock, user: mock}}]
        current-context: mock
        """
            .formatted(server.url("/").replaceAll("/$", "")));

    Process kubectl =
        new ProcessBuilder(
                "kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "--cache-dir",
                dir.resolve("cache").toString(),
                "apply",
                "--dry-run=client",
                "--validate=false",
                "-f",
                dir.resolve("out").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(kubectl.getInputStream().readAllBytes());
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(kubectl.exitValue()).as(output).isZero();
    long manifests =
        written.files().stream().filter(f -> f.getFileName().toString().endsWith(".yaml")).count();
    assertThat(output.lines().filter(l -> l.endsWith("created (dry run)")).count())
        .as(output)
        .isEqualTo(manifests);
  }
}
