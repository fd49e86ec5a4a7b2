package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.ServiceKind;
import dev.updraft.deploy.spec.SpecParser;
import dev.updraft.deploy.state.EnvironmentKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service's variables: references from what is deployed when asked, secrets from sources. */
class ServiceEnvironmentTest {
  @TempDir Path dir;

  @Test
  void referencesResolveAgainstWhatIsDeployedWhenAskedAndSecretsComeFromTheirSource()
      throws Exception {
    Files.createDirectories(dir.resolve("web"));
    EnvironmentSpec spec =
        SpecParser.parse(
            "updraft.yaml",
            """
            environment: e
            databases:
              db: {engine: postgres}
            applications:
              web:
                path: ./web
                command: sh app.sh
                env: {DATABASE_URL: "${db.url}", MODE: fast}
                secrets: {TOKEN: {env: TOKEN}}
            """,
            dir);
    Redactor redactor = new Redactor();
    Map<String, ServiceState> deployed = new ConcurrentHashMap<>();
    ServiceEnvironment environment =
        new ServiceEnvironment(
            new Secrets(spec, redactor, Map.of("TOKEN", "t0k3n"), EnvironmentKey.of(dir)),
            deployed::get);
    Service web = spec.service("web");

    assertThatThrownBy(() -> environment.plain(web))
        .isInstanceOf(DeployException.class)
        .hasMessage("web: ${db.url} has no value (db is not deployed)");

    deployed.put(
        "db",
        new ServiceState(
            "db",
            ServiceKind.DATABASE,
            "v1",
            null,
            List.of(),
            5432,
            Map.of("url", "postgres://x")));
    assertThat(environment.plain(web))
        .containsExactly(Map.entry("DATABASE_URL", "postgres://x"), Map.entry("MODE", "fast"));
    assertThat(environment.all(web)).containsEntry("TOKEN", "t0k3n").hasSize(3);
    assertThat(redactor.redact("t0k3n")).isEqualTo("******");
  }
}
