package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.SpecParser;
import dev.updraft.mesh.config.AuthorizationConfig;
import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.PolicyConfig;
import dev.updraft.mesh.identity.CaFiles;
import dev.updraft.mesh.identity.CertificateAuthority;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh on the kubernetes target: what each sidecar's configuration says (read back with the
 * proxy's own parser), native sidecars in Deployments, Jobs and CronJobs, references through the
 * sidecar, the identity service's objects and the authority kept in the data directory.
 */
class MeshRenderingTest {
  @TempDir Path dir;

  private EnvironmentSpec spec() {
    return SpecParser.parse(
        "updraft.yaml",
        """
        environment: shop
        target: kubernetes
        kubernetes: {namespace: shop-ns, meshImage: registry.example.com/updraft:1}
        applications:
          catalog: {path: ., command: "java Catalog", port: 8101, allow: [web]}
          web:
            path: .
            command: java Web
            env: {CATALOG: "${catalog.url}", CATALOG_HOST: "${catalog.host}", DB: "${db.host}"}
        jobs:
          seed: {path: ., command: "sh seed.sh", env: {CATALOG: "${catalog.url}"}}
          nightly: {path: ., command: "true", when: cron, schedule: "0 3 * * *"}
        databases:
          db: {engine: redis}
        routers:
          edge: {port: 80, routes: [{path: /, service: web}]}
        """,
        dir);
  }

  private List<HasMetadata> render(EnvironmentSpec spec, String service) {
    KubernetesRenderer.Env none = new KubernetesRenderer.Env(Map.of(), Map.of());
    return new KubernetesRenderer(spec).render(spec.service(service), "v1", null, none, null);
  }

  private static MeshConfig proxyConfig(List<HasMetadata> objects) {
    ConfigMap map =
        objects.stream()
            .filter(o -> o instanceof ConfigMap && o.getMetadata().getName().endsWith("-mesh"))
            .map(ConfigMap.class::cast)
            .findFirst()
            .orElseThrow();
    return ConfigFile.parse("proxy.yaml", map.getData().get(ProxyConfig.FILE));
  }

  @Test
  void aServersSidecarTerminatesMutualTlsAndAdmitsOnlyWhatAllowNames() {
    EnvironmentSpec spec = spec();
    MeshConfig config = proxyConfig(render(spec, "catalog"));

    assertThat(config.identity().name())
        .isEqualTo("catalog.shop-ns.serviceaccount.identity.updraft.cluster.local");
    assertThat(config.identity().url()).hasToString("https://updraft-identity.shop-ns.svc:8080");
    assertThat(config.identity().tokenFile()).hasToString("/var/run/updraft/identity/token");
    ListenerConfig inbound = config.listeners().getFirst();
    assertThat(inbound.address().port()).isEqualTo(MeshNames.INBOUND_PORT);
    assertThat(config.backend(inbound.backend()).endpoints()).hasToString("[127.0.0.1:8101]");
    assertThat(config.policy().defaultPolicy()).isEqualTo(PolicyConfig.DefaultPolicy.DENY);
    assertThat(config.policy().servers()).hasSize(1);
    List<AuthorizationConfig> authorizations =
        config.policy().servers().getFirst().authorizations();
    assertThat(authorizations)
        .as("allow: [web], and the job that calls it; not routed, so no ingress")
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.meshTLS())
                    .containsExactly(
                        "web.shop-ns.serviceaccount.identity.updraft.cluster.local",
                        "seed.shop-ns.serviceaccount.identity.updraft.cluster.local"));
  }

  @Test
  void aRoutedServiceWithoutAllowAdmitsItsEnvironmentAndTheIngressController() {
    MeshConfig config = proxyConfig(render(spec(), "web"));

    List<AuthorizationConfig> authorizations =
        config.policy().servers().getFirst().authorizations();
    assertThat(authorizations.getFirst().meshTLS())
        .containsExactly("*.shop-ns.serviceaccount.identity.updraft.cluster.local");
    assertThat(authorizations.get(1).meshTLS()).as("plaintext from the ingress").isNull();
    assertThat(authorizations.get(1).networks()).isEqualTo(PolicyConfig.DEFAULT_CLUSTER_NETWORKS);
  }

  @Test
  void aCallersReferencesLeadThroughItsSidecarWithMutualTls() {
    EnvironmentSpec spec = spec();
    Map<String, String> env =
        MeshNames.env(spec, spec.service("web"), (variable, ref) -> "plain:" + ref.text());
    assertThat(env)
        .containsEntry("CATALOG", "http://127.0.0.1:4150")
        .containsEntry("CATALOG_HOST", "127.0.0.1")
        .as("databases are outside the mesh")
        .containsEntry("DB", "plain:${db.host}");

    MeshConfig config = proxyConfig(render(spec, "web"));
    ListenerConfig outbound = config.listeners().get(1);
    assertThat(outbound.address()).hasToString("127.0.0.1:4150");
    assertThat(config.backend(outbound.backend()).identity())
        .isEqualTo("catalog.shop-ns.serviceaccount.identity.updraft.cluster.local");
    assertThat(config.backend(outbound.backend()).endpoints())
        .hasToString("[catalog.shop-ns.svc:8101]");
  }

  @Test
  void theProxyIsANativeSidecarSoJobsFinish() {
    EnvironmentSpec spec = spec();
    List<HasMetadata> catalog = render(spec, "catalog");
    PodSpec server = find(catalog, Deployment.class).getSpec().getTemplate().getSpec();
    PodSpec job = ((Job) render(spec, "seed").getLast()).getSpec().getTemplate().getSpec();
    PodSpec cron =
        ((CronJob) render(spec, "nightly").getLast())
            .getSpec()
            .getJobTemplate()
            .getSpec()
            .getTemplate()
            .getSpec();

    for (PodSpec pod : List.of(server, job, cron)) {
      Container proxy = pod.getInitContainers().getFirst();
      assertThat(proxy.getName()).isEqualTo(ProxySidecar.CONTAINER);
      assertThat(proxy.getRestartPolicy()).isEqualTo("Always");
      assertThat(proxy.getImage()).isEqualTo("registry.example.com/updraft:1");
      assertThat(proxy.getCommand()).startsWith("updraft", "mesh", "proxy");
      assertThat(proxy.getStartupProbe().getHttpGet().getPath()).isEqualTo("/ready");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(pod.getVolumes())
          .filteredOn(v -> v.getProjected() != null)
          .singleElement()
          .satisfies(
              v ->
                  assertThat(v.getProjected().getSources().getFirst().getServiceAccountToken())
                      .satisfies(
                          t -> assertThat(t.getAudience()).isEqualTo(TokenReviews.AUDIENCE)));
    }
    assertThat(server.getServiceAccountName()).isEqualTo("catalog");
    assertThat(job.getRestartPolicy()).isEqualTo("Never");
    assertThat(catalog.getFirst()).isInstanceOf(ServiceAccount.class);
    Service service = (Service) catalog.getLast();
    assertThat(service.getSpec().getPorts().getFirst().getPort()).isEqualTo(8101);
    assertThat(service.getSpec().getPorts().getFirst().getTargetPort().getIntVal())
        .as("through the sidecar")
        .isEqualTo(MeshNames.INBOUND_PORT);
  }

  @Test
  void databasesAndRoutersAreNotMeshed() {
    EnvironmentSpec spec = spec();
    assertThat(render(spec, "db")).noneMatch(o -> o instanceof ServiceAccount);
    assertThat(render(spec, "edge")).noneMatch(o -> o instanceof ServiceAccount);
  }

  @Test
  void theIdentityServiceReviewsTokensWithItsAuthorityFromASecret() {
    EnvironmentSpec spec = spec();
    Map<String, String> authority = MeshAuthority.files(dir.resolve("data"));
    List<HasMetadata> objects =
        new IdentityObjects(spec, new KubernetesRenderer(spec)).render(authority);

    ClusterRole role = find(objects, ClusterRole.class);
    assertThat(role.getRules().getFirst().getResources()).containsExactly("tokenreviews");
    assertThat(role.getRules().getFirst().getVerbs()).containsExactly("create");
    ClusterRoleBinding binding = find(objects, ClusterRoleBinding.class);
    assertThat(binding.getSubjects().getFirst().getNamespace()).isEqualTo("shop-ns");
    assertThat(binding.getMetadata().getNamespace()).as("cluster-scoped").isNull();
    assertThat(find(objects, Secret.class).getData().keySet())
        .containsExactlyInAnyOrder(
            "anchor-key.pem",
            "anchor.pem",
            "anchors.pem",
            "issuer-key.pem",
            "issuer.pem",
            "trust-domain");
    Container identity =
        find(objects, Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst();
    assertThat(identity.getCommand())
        .containsSubsequence("updraft", "mesh", "identity")
        .contains("--kubernetes-token-review", IdentityObjects.AUTHORITY_DIR);
    ConfigMap roots =
        objects.stream()
            .filter(o -> o.getMetadata().getName().equals(MeshNames.TRUST_ROOTS))
            .map(ConfigMap.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(roots.getData().get(CaFiles.BUNDLE)).isEqualTo(authority.get(CaFiles.BUNDLE));
  }

  @Test
  void theAuthorityIsMadeOnceAndItsKeysAreSealedAtRest() throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> first = MeshAuthority.files(data);
    Map<String, String> second = MeshAuthority.files(data);

    assertThat(second).isEqualTo(first);
    CertificateAuthority ca = CaFiles.fromContents(first, Duration.ofHours(24), Clock.systemUTC());
    assertThat(ca.trustDomain()).isEqualTo(MeshNames.TRUST_DOMAIN);
    String onDisk = Files.readString(data.resolve("identity/issuer-key.pem"));
    assertThat(onDisk).startsWith("sealed:").doesNotContain("PRIVATE KEY");
    assertThat(first.get("issuer-key.pem")).contains("PRIVATE KEY");
  }

  @Test
  void aMeshedServiceCannotTakeTheSidecarsPorts() {
    assertThatThrownBy(
            () ->
                SpecParser.parse(
                    "updraft.yaml",
                    """
                    environment: shop
                    target: kubernetes
                    applications:
                      api: {path: ., command: "true", port: 4191}
                    """,
                    dir))
        .hasMessageContaining("port")
        .hasMessageContaining("4191")
        .hasMessageContaining("mesh sidecar");
  }

  private static <T> T find(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
  }
}
