package dev.updraft.cli.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.config.EnvConfig;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.PolicyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyCommandTest {
  private static final String YAML =
      """
      admin: 127.0.0.1:0
      listeners: [{name: in, address: "127.0.0.1:0", direction: inbound, backend: app}]
      backends: [{name: app, endpoints: ["127.0.0.1:9"]}]
      identity:
        name: web.shop.serviceaccount.identity.updraft.cluster.local
        url: https://127.0.0.1:8080
        tokenFile: /run/web.token
        trustAnchors: /ca/anchors.pem
      policy: {defaultPolicy: %s}
      """;

  @Test
  void aConfigFileKeepsItsIdentityAndPolicyAndAReloadTakesOnlyThePolicy(@TempDir Path dir)
      throws Exception {
    ProxyCommand command = new ProxyCommand();
    command.configFile = Files.writeString(dir.resolve("mesh.yaml"), YAML.formatted("deny"));
    MeshConfig running = command.config(new EnvConfig(Map.of()));
    assertThat(running.identity().name())
        .isEqualTo("web.shop.serviceaccount.identity.updraft.cluster.local");
    assertThat(running.policy().defaultPolicy()).isEqualTo(PolicyConfig.DefaultPolicy.DENY);

    MeshConfig loaded =
        ConfigFile.parse(
            "mesh.yaml", YAML.formatted("all-authenticated").replace("web.shop", "other.shop"));
    MeshConfig next = ProxyCommand.withOverrides(loaded, running);
    assertThat(next.identity()).isEqualTo(running.identity());
    assertThat(next.policy().defaultPolicy())
        .isEqualTo(PolicyConfig.DefaultPolicy.ALL_AUTHENTICATED);
  }
}
