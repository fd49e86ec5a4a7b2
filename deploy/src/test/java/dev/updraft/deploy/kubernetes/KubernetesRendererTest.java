package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.SpecParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered objects of a spec exercising every kind, compared with a golden file. Set
 * -Dupdraft.golden.update=true to rewrite the golden file after an intended change, then review
 * the diff.
 */
class KubernetesRendererTest {
  private static final Path GOLDEN = Path.of("src/test/resources/kubernetes/shop.golden.yaml");
  static final Map<String, String> VERSIONS =
      Map.of("catalog", "c0ffee123456", "search", "5ea4c4000000", "migrate", "a1b2c3d4e5f6",
          "cleanup", "0c1ea4000000", "db", "db0000000000", "cache", "cac4e0000000", "web", "beef00000000");

  static List<HasMetadata> render(String yaml) {
    EnvironmentSpec spec = SpecParser.parse("shop.yaml", yaml, Path.of("/src/shop"));
    return new KubernetesRenderer(spec, VERSIONS, db -> "pw-" + db, Map.of("catalog.API_TOKEN", "s3cret")).render();
  }

  @Test
  void rendersEveryKindAsTheGoldenFileSays() throws Exception {
    String yaml = Files.readString(Path.of("src/test/resources/kubernetes/shop.yaml"));
    String rendered = render(yaml).stream().map(Serialization::asYaml).collect(Collectors.joining());
    if (Boolean.getBoolean("updraft.golden.update")) {
      Files.writeString(GOLDEN, rendered);
    }
    assertThat(rendered).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    List<String> kinds = render(yaml).stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    assertThat(kinds)
        .startsWith("Namespace/shop")
        .contains(
            "StatefulSet/db", "Secret/db-credentials", "StatefulSet/cache", "Job/migrate-a1b2c3d4",
            "CronJob/cleanup", "Deployment/catalog", "Service/catalog", "ConfigMap/catalog-config",
            "Secret/catalog-secrets", "HorizontalPodAutoscaler/catalog", "Deployment/search", "Ingress/web");
    assertThat(kinds.indexOf("StatefulSet/db")).isLessThan(kinds.indexOf("Deployment/catalog"));
  }

  @Test
  void secretsGoToSecretsNotConfigMaps() {
    String yaml = """
        environment: e
        target: kubernetes
        applications:
          a: {path: ., command: run, env: {DB: "${db.url}", PLAIN: x}, secrets: {TOKEN: {value: t0ken-value}}}
        databases:
          db: {engine: postgres}
        """;
    String rendered = render(yaml).stream().map(Serialization::asYaml).collect(Collectors.joining());
    String configMap = rendered.substring(rendered.indexOf("kind: \"ConfigMap\""));
    configMap = configMap.substring(0, configMap.indexOf("---", 1) < 0 ? configMap.length() : configMap.indexOf("---", 1));
    assertThat(configMap).contains("PLAIN").doesNotContain("pw-db").doesNotContain("t0ken-value");
    assertThat(rendered).contains("DB: \"postgresql://postgres:pw-db@db.e.svc.cluster.local:5432/db\"");
  }

  @Test
  void jobOutputsCannotBeReferencedOnKubernetesYet() {
    String yaml = """
        environment: e
        target: kubernetes
        applications:
          a: {path: ., command: run, env: {S: "${j.outputs.X}"}}
        jobs:
          j: {path: ., command: run, outputs: [X]}
        """;
    assertThatThrownBy(() -> render(yaml))
        .isInstanceOfSatisfying(DeployException.class, e -> assertThat(e.tag()).isEqualTo("KUBERNETES_UNSUPPORTED"));
  }

  @Test
  void dryRunWritesOneFilePerObjectInApplyOrder(@TempDir Path dir) throws Exception {
    List<Path> files = KubernetesTarget.writeManifests(render(Files.readString(Path.of("src/test/resources/kubernetes/shop.yaml"))), dir);
    assertThat(files.getFirst().getFileName().toString()).isEqualTo("00-namespace-shop.yaml");
    assertThat(Files.readString(files.getFirst())).contains("kind: \"Namespace\"");
    assertThat(files).hasSizeGreaterThan(15);
  }
}
