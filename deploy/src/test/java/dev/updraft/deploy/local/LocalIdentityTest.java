package dev.updraft.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.deploy.state.SealedValueException;
import dev.updraft.mesh.identity.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalIdentityTest {
  @TempDir Path dir;

  @Test
  void theAuthorityIsKeptWithItsKeysSealedAndReadBack() throws Exception {
    Path home = PrivateFiles.directories(dir.resolve("identity"));
    EnvironmentKey key = EnvironmentKey.of(dir);
    CertificateAuthority made = LocalIdentity.load(home, key, Duration.ofHours(24));
    CertificateAuthority read = LocalIdentity.load(home, key, Duration.ofHours(24));

    assertThat(read.anchor()).isEqualTo(made.anchor());
    assertThat(read.issuer()).isEqualTo(made.issuer());
    for (String file : new String[] {"anchor-key.pem", "issuer-key.pem"}) {
      // "KEY" alone turns up in base64 ciphertext about once in a thousand runs; a space never
      // does.
      assertThat(Files.readString(home.resolve(file)))
          .startsWith("sealed:")
          .doesNotContain("PRIVATE KEY")
          .doesNotContain("-----");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(file))))
          .isEqualTo("rw-------");
    }
    assertThat(Files.readString(home.resolve("anchors.pem"))).contains("BEGIN CERTIFICATE");
  }

  @Test
  void keysSealedWithAnotherEnvironmentsKeyDoNotOpen() {
    Path home = PrivateFiles.directories(dir.resolve("a/identity"));
    LocalIdentity.load(home, EnvironmentKey.of(dir.resolve("a")), Duration.ofHours(24));
    EnvironmentKey other = EnvironmentKey.of(PrivateFiles.directories(dir.resolve("b")));
    assertThatThrownBy(() -> LocalIdentity.load(home, other, Duration.ofHours(24)))
        .isInstanceOf(SealedValueException.class)
        .hasMessageContaining("mesh identity ")
        .hasMessageContaining("-key.pem: the sealed value does not open");
  }

  @Test
  void theLifetimeIsSecondsFromTheEnvironmentOr24Hours() {
    assertThat(LocalIdentity.lifetime(Map.of())).isEqualTo(Duration.ofHours(24));
    assertThat(LocalIdentity.lifetime(Map.of(LocalIdentity.LIFETIME_VARIABLE, "6")))
        .isEqualTo(Duration.ofSeconds(6));
    assertThatThrownBy(() -> LocalIdentity.lifetime(Map.of(LocalIdentity.LIFETIME_VARIABLE, "6h")))
        .hasMessage(
            "UPDRAFT_MESH_CERT_LIFETIME: \"6h\" (expected: a number of seconds, at least 2)");
  }

  @Test
  void namesReadAsLinkerdsWithTheEnvironmentAsNamespace() {
    assertThat(LocalIdentity.name("web", "shop").dnsName())
        .isEqualTo("web.shop.serviceaccount.identity.updraft.cluster.local");
  }
}
