package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.ServiceKind;
import dev.updraft.deploy.spec.SpecParser;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests of {@code src/test/resources/golden/<case>/spec.yaml}, as a dry run writes them,
 * against {@code expected/} (Secret values written as {@code ******}). After an intended change,
 * regenerate with {@code -Dupdraft.golden.update=true} and review the diff.
 */
class KubernetesGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");
  static final String PASSWORD = "golden-db-password";
  static final String KEY = "Z29sZGVuLWtleS1nb2xkZW4ta2V5LWdvbGRlbi1rZXk=";
  static final Map<String, String> HOST_ENV = Map.of("SHOP_TOKEN", "golden-shop-token");

  /** What the journal would hold after an apply: the migration's output. */
  static final Map<String, ServiceState> DEPLOYED =
      Map.of(
          "migrate",
          new ServiceState(
              "migrate",
              ServiceKind.JOB,
              "recorded",
              null,
              List.of(),
              null,
              Map.of("outputs.SEEDED_AT", "2026-12-01T00:00:00Z")));

  static final Map<String, String> AUTHORITY =
      Map.of(
          "anchors.pem", "-----BEGIN CERTIFICATE-----\ngolden-anchor\n-----END CERTIFICATE-----\n",
          "anchor.pem", "-----BEGIN CERTIFICATE-----\ngolden-anchor\n-----END CERTIFICATE-----\n",
          "issuer.pem", "-----BEGIN CERTIFICATE-----\ngolden-issuer\n-----END CERTIFICATE-----\n",
          "anchor-key.pem", "golden-anchor-key",
          "issuer-key.pem", "golden-issuer-key",
          "trust-domain", "cluster.local\n");

  @TempDir Path dir;

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A dry run of a golden case; passwords and the key are fixed so the output is too. */
  static Manifests.Written dryRun(
      String name, Path dir, Map<String, ServiceState> deployed, boolean redact)
      throws IOException {
    EnvironmentSpec spec = SpecParser.load(GOLDEN.resolve(name).resolve("spec.yaml"));
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("credentials"));
    Files.writeString(data.resolve("credentials/db.password"), PASSWORD);
    // A fixed key: the versions of services with secrets hold a MAC of them with it.
    Files.writeString(data.resolve("secrets.key"), KEY);
    // A fixed mesh authority: only its bundle is shown (the rest is in a Secret), and nothing
    // parses it at render, so placeholders keep the files stable.
    Path identity = Files.createDirectories(data.resolve(MeshAuthority.DIR));
    AUTHORITY.forEach((file, text) -> write(identity.resolve(file), text));
    return Manifests.write(
        spec, HOST_ENV, new Redactor(), deployed, data, dir.resolve("out"), redact);
  }

  @ParameterizedTest
  @ValueSource(strings = {"shop", "gateway"})
  void rendersWhatTheGoldenFilesSay(String name) throws IOException {
    Manifests.Written written = dryRun(name, dir, DEPLOYED, true);
    Path expected = GOLDEN.resolve(name).resolve("expected");
    if (Boolean.getBoolean("updraft.golden.update")) {
      replace(expected, dir.resolve("out"));
    }
    assertThat(names(dir.resolve("out"))).isEqualTo(names(expected));
    for (String file : names(expected)) {
      assertThat(Files.readString(dir.resolve("out").resolve(file)))
          .as(file)
          .isEqualTo(Files.readString(expected.resolve(file)));
    }
    assertThat(written.warnings()).isEmpty();
  }

  @Test
  void secretValuesAreOnlyInSecretsAndOnlyTheOwnerCanReadThem() throws IOException {
    Manifests.Written written = dryRun("shop", dir, DEPLOYED, false);
    List<String> secrets =
        List.of(
            PASSWORD,
            "golden-shop-token",
            "golden-signing-key",
            "golden-anchor-key",
            "golden-issuer-key");
    for (Path file : written.files()) {
      String text = Files.readString(file);
      boolean secretFile = file.getFileName().toString().contains("-secret-");
      for (String secret : secrets) {
        String encoded = Base64.getEncoder().encodeToString(secret.getBytes());
        if (!secretFile) {
          assertThat(text).as(file.getFileName().toString()).doesNotContain(secret, encoded);
        }
      }
      assertThat(Files.getPosixFilePermissions(file).toString())
          .as(file.getFileName().toString())
          .isEqualTo(
              secretFile
                  ? "[OWNER_READ, OWNER_WRITE]"
                  : "[OWNER_READ, OWNER_WRITE, GROUP_READ, OTHERS_READ]");
    }
    String catalogSecret = Files.readString(dir.resolve("out/021-secret-catalog-secrets.yaml"));
    assertThat(catalogSecret)
        .contains(Base64.getEncoder().encodeToString("golden-shop-token".getBytes()))
        .contains("DATABASE_URL");
  }

  @Test
  void aDryRunBeforeAnyApplyRendersJobOutputsEmptyAndSaysSo() throws IOException {
    Manifests.Written written = dryRun("shop", dir, Map.of(), true);

    assertThat(written.warnings())
        .containsExactly(
            "catalog: SEEDED_AT is rendered empty: ${migrate.outputs.SEEDED_AT} is known only once"
                + " migrate has run (apply once, then dry runs use its recorded outputs)");
    assertThat(Files.readString(dir.resolve("out/020-configmap-catalog-env.yaml")))
        .contains("SEEDED_AT: \"\"");
  }

  @Test
  void aSecondDryRunLeavesNoFileOfAServiceThatIsGone() throws IOException {
    dryRun("shop", dir, DEPLOYED, true);
    Files.writeString(dir.resolve("out/099-deployment-gone.yaml"), "kind: Deployment\n");
    Files.writeString(dir.resolve("out/kustomization.yaml"), "resources: []\n");

    dryRun("shop", dir, DEPLOYED, true);

    assertThat(dir.resolve("out/099-deployment-gone.yaml")).doesNotExist();
    assertThat(dir.resolve("out/kustomization.yaml")).as("not ours: kept").exists();
  }

  @Test
  void aJobsDeadlineIsWholeSecondsRoundedUp() {
    EnvironmentSpec spec =
        SpecParser.parse(
            "updraft.yaml",
            """
            environment: shop
            target: kubernetes
            jobs:
              quick: {path: ., command: "true", timeout: 1500ms}
              quicker: {path: ., command: "true", timeout: 500ms}
            """,
            dir);
    KubernetesRenderer renderer = new KubernetesRenderer(spec);
    KubernetesRenderer.Env none = new KubernetesRenderer.Env(Map.of(), Map.of());
    // The API server refuses a deadline of 0: 500ms is 1s, not 0s.
    assertThat(
            List.of("quick", "quicker").stream()
                .map(name -> renderer.render(spec.service(name), "v1", null, none, null).getLast())
                .map(job -> ((Job) job).getSpec().getActiveDeadlineSeconds()))
        .containsExactly(2L, 1L);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void replace(Path expected, Path out) throws IOException {
    if (Files.exists(expected)) {
      try (Stream<Path> old = Files.list(expected)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      }
    }
    Files.createDirectories(expected);
    for (String file : names(out)) {
      Files.copy(out.resolve(file), expected.resolve(file));
    }
  }
}
