package dev.updraft.deploy.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.SpecParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewSpecTest {
  private static final String SPEC =
      """
      environment: shop
      applications:
        web: {path: ., command: "true", port: 8101}
      databases:
        db: {engine: postgres, port: 5433}
      routers:
        front: {port: 8080, hosts: [shop.localhost], routes: [{path: /, service: web}]}
      """;

  @TempDir Path dir;

  private final Preview preview =
      new Preview(
          "pr-1", "shop", Path.of("updraft.yaml"), Instant.EPOCH, null, Map.of("front", 41000));

  @Test
  void onTheLocalTargetAPreviewHasItsOwnNameAndPorts() {
    EnvironmentSpec spec = PreviewSpec.derive(SpecParser.parse("updraft.yaml", SPEC, dir), preview);

    assertThat(spec.environment()).isEqualTo("pr-1");
    assertThat(spec.baseDir()).isEqualTo(dir);
    assertThat(((Service.Application) spec.service("web")).port()).as("chosen free").isNull();
    assertThat(((Service.Database) spec.service("db")).port()).as("chosen free").isNull();
    Service.Router front = (Service.Router) spec.service("front");
    assertThat(front.port()).isEqualTo(41000);
    assertThat(front.hosts()).containsExactly("shop.localhost");
  }

  @Test
  void onKubernetesAPreviewHasItsOwnNamespaceAndHosts() {
    EnvironmentSpec spec =
        PreviewSpec.derive(
            SpecParser.parse(
                "updraft.yaml",
                SPEC.replace("environment: shop", "environment: shop\ntarget: kubernetes"),
                dir),
            preview);

    assertThat(spec.namespace()).isEqualTo("pr-1");
    Service.Router front = (Service.Router) spec.service("front");
    assertThat(front.port()).as("a namespace separates ports").isEqualTo(8080);
    assertThat(front.hosts()).containsExactly("pr-1.shop.localhost");
    assertThat(((Service.Application) spec.service("web")).port()).isEqualTo(8101);
  }

  @Test
  void aSpecOfAnotherEnvironmentOrANewRouterIsRefused() {
    EnvironmentSpec other =
        SpecParser.parse("updraft.yaml", SPEC.replace("environment: shop", "environment: x"), dir);
    assertThatThrownBy(() -> PreviewSpec.derive(other, preview))
        .hasMessageEndingWith("environment \"x\" (expected: \"shop\", the source of preview pr-1)");

    Preview noPorts =
        new Preview("pr-1", "shop", Path.of("updraft.yaml"), Instant.EPOCH, null, Map.of());
    assertThatThrownBy(
            () -> PreviewSpec.derive(SpecParser.parse("updraft.yaml", SPEC, dir), noPorts))
        .hasMessageStartingWith("router front has no port in preview pr-1");
  }

  @Test
  void aPreviewIsKeptAndReadBackAndRefusesBadValues() {
    Preview kept =
        new Preview(
            "pr-2",
            "shop",
            dir.resolve("updraft.yaml"),
            Instant.parse("2026-12-07T05:00:00Z"),
            Duration.ofHours(24),
            Map.of("front", 41000));
    kept.write(dir);
    assertThat(Preview.read(dir)).isEqualTo(kept);
    assertThat(kept.expires()).isEqualTo(Instant.parse("2026-12-08T05:00:00Z"));

    assertThatThrownBy(() -> new Preview("Pr_2", "shop", dir, Instant.EPOCH, null, Map.of()))
        .hasMessage(
            "name: \"Pr_2\" (expected: a lower-case DNS label: letters, digits and '-', at most"
                + " 63)");
    assertThatThrownBy(() -> new Preview("shop", "shop", dir, Instant.EPOCH, null, Map.of()))
        .hasMessage("name: \"shop\" (expected: a name other than its source's)");
    assertThatThrownBy(
            () -> new Preview("pr-2", "shop", dir, Instant.EPOCH, null, Map.of("front", 0)))
        .hasMessage("routerPorts.front: 0 (expected: a port from 1 to 65535)");
  }

  @Test
  void aTtlIsReadAsUsersWriteIt() {
    assertThat(Ttl.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Ttl.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Ttl.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Ttl.format(Duration.ofMinutes(30))).isEqualTo("30m");
    assertThat(Ttl.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThatThrownBy(() -> Ttl.parse("1 day"))
        .hasMessage("--ttl: \"1 day\" (expected: a duration such as 90s, 30m, 24h or 7d)");
    assertThatThrownBy(() -> Ttl.parse("0h")).hasMessageStartingWith("--ttl: \"0h\"");
  }
}
