package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.preview.Preview;
import dev.updraft.deploy.preview.PreviewSpec;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A preview of the golden shop renders into a namespace of its own, with hosts of its own. */
class PreviewNamespaceTest {
  private static final Pattern NAMESPACE =
      Pattern.compile("(?m)^\\s*namespace: \"?([^\"\\s]+)\"?$");

  @TempDir Path dir;

  @Test
  void everyObjectOfAPreviewIsInItsOwnNamespace() throws IOException {
    EnvironmentSpec source =
        SpecParser.load(KubernetesGoldenTest.GOLDEN.resolve("shop").resolve("spec.yaml"));
    Preview preview =
        new Preview("pr-7", "shop", Path.of("spec.yaml"), Instant.now(), null, Map.of());
    EnvironmentSpec spec = PreviewSpec.derive(source, preview);
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("credentials"));
    Files.writeString(data.resolve("secrets.key"), KubernetesGoldenTest.KEY);

    Manifests.Written written =
        Manifests.write(
            spec,
            KubernetesGoldenTest.HOST_ENV,
            new Redactor(),
            Map.of(),
            data,
            dir.resolve("out"),
            true);

    List<String> namespaces = new ArrayList<>();
    for (Path file : written.files()) {
      Matcher m = NAMESPACE.matcher(Files.readString(file));
      while (m.find()) {
        namespaces.add(m.group(1));
      }
    }
    assertThat(namespaces).hasSizeGreaterThan(10).containsOnly("pr-7");
    assertThat(dir.resolve("out/000-namespace-pr-7.yaml")).exists();
    String ingress = Files.readString(dir.resolve("out/039-ingress-web.yaml"));
    assertThat(ingress)
        .contains("host: \"pr-7.shop.example.com\"")
        .contains("host: \"pr-7.www.shop.example.com\"")
        .doesNotContain("host: \"shop.example.com\"");
  }
}
