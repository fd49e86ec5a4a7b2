package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.ServiceKind;
import dev.updraft.deploy.spec.SpecParser;
import dev.updraft.deploy.state.EnvironmentKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions and plans of services with secrets: keyed fingerprints, and reasons that say which. */
class SecretVersionsTest {
  @TempDir Path dir;

  private EnvironmentSpec spec() throws Exception {
    Files.createDirectories(dir.resolve("web"));
    Files.writeString(dir.resolve("web/app.sh"), "echo hi\n");
    return SpecParser.parse(
        "u.yaml",
        """
        environment: e
        applications:
          web:
            path: ./web
            command: sh app.sh
            secrets: {TOKEN: {env: TOKEN}, KEY: {file: web/key.txt}}
          plain: {path: ./web, command: sh app.sh}
        """,
        dir);
  }

  private Versions.Computed versions(EnvironmentSpec spec, String token, EnvironmentKey key) {
    return Versions.compute(spec, new Secrets(spec, new Redactor(), Map.of("TOKEN", token), key));
  }

  private static String reason(
      EnvironmentSpec spec, Versions.Computed before, Versions.Computed now) {
    ServiceState deployed =
        new ServiceState(
            "web",
            ServiceKind.APPLICATION,
            before.versions().get("web"),
            null,
            List.of(new ServiceState.Instance("web-1", 1)),
            null,
            Map.of());
    Plan plan =
        Planner.plan(
            spec,
            now,
            Map.of("web", deployed),
            new Planner.Before(spec, before.versions(), before.fingerprints()),
            Set.of("web-1"));
    return plan.changes().stream()
        .filter(c -> c.service().equals("web"))
        .findFirst()
        .orElseThrow()
        .reason();
  }

  @Test
  void aRotatedSecretIsPlannedAsSuchAndNeverHashedInTheClear() throws Exception {
    EnvironmentSpec spec = spec();
    Files.writeString(dir.resolve("web/key.txt"), "file-secret-1");
    EnvironmentKey key = EnvironmentKey.of(dir.resolve("state"));
    Versions.Computed first = versions(spec, "token-1", key);

    Versions.Computed rotated = versions(spec, "token-2", key);
    assertThat(rotated.versions().get("web")).isNotEqualTo(first.versions().get("web"));
    assertThat(rotated.fingerprints().get("web").source())
        .isEqualTo(first.fingerprints().get("web").source());
    assertThat(reason(spec, first, rotated)).isEqualTo("secret values changed");

    // A secret file in the service's path is a secret, not a source file.
    Files.writeString(dir.resolve("web/key.txt"), "file-secret-2");
    Versions.Computed fileRotated = versions(spec, "token-1", key);
    assertThat(reason(spec, first, fileRotated)).isEqualTo("secret values changed");

    Files.writeString(dir.resolve("web/app.sh"), "echo changed\n");
    Versions.Computed both = versions(spec, "token-2", key);
    assertThat(reason(spec, first, both)).isEqualTo("secret values changed, source files changed");
    Versions.Computed sources = versions(spec, "token-1", key);
    Files.writeString(dir.resolve("web/key.txt"), "file-secret-1");
    assertThat(reason(spec, first, versions(spec, "token-1", key)))
        .isEqualTo("source files changed");
    assertThat(sources.fingerprints().get("web").secrets()).doesNotContain("token");
  }

  @Test
  void aVersionHoldsAKeyedMacOfSecretsAndNothingElseOfThem() throws Exception {
    EnvironmentSpec spec = spec();
    Files.writeString(dir.resolve("web/key.txt"), "file-secret-1");
    Versions.Computed a = versions(spec, "token-1", EnvironmentKey.of(dir.resolve("a")));
    Versions.Computed b = versions(spec, "token-1", EnvironmentKey.of(dir.resolve("b")));
    assertThat(a.versions().get("web"))
        .as("another key, another MAC: the version is no hash of the values alone")
        .isNotEqualTo(b.versions().get("web"));
    assertThat(a.versions().get("plain"))
        .as("a service without secrets does not depend on the key")
        .isEqualTo(b.versions().get("plain"));
    assertThat(a.fingerprints().get("plain").secrets()).isEmpty();
  }
}
