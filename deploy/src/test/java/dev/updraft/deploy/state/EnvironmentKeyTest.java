package dev.updraft.deploy.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentKeyTest {
  private static final String SECRET = "correct-horse-battery-staple";

  @TempDir Path dir;

  @Test
  void aSealedValueOpensOnlyWithItsKeyAndItsField() {
    EnvironmentKey key = EnvironmentKey.of(dir);
    String sealed = key.seal("supervisor web-1 env TOKEN", SECRET);

    assertThat(EnvironmentKey.isSealed(sealed)).isTrue();
    assertThat(sealed)
        .doesNotContain(SECRET)
        .doesNotContain(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)))
        .doesNotContain(HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8)));
    assertThat(key.open("supervisor web-1 env TOKEN", sealed)).isEqualTo(SECRET);
    assertThat(key.seal("supervisor web-1 env TOKEN", SECRET))
        .as("a fresh nonce per value")
        .isNotEqualTo(sealed);
    assertThatThrownBy(() -> key.open("supervisor web-2 env TOKEN", sealed))
        .isInstanceOf(SealedValueException.class)
        .hasMessageContaining("supervisor web-2 env TOKEN: the sealed value does not open with");
    EnvironmentKey other = EnvironmentKey.of(dir.resolve("other"));
    assertThatThrownBy(() -> other.open("supervisor web-1 env TOKEN", sealed))
        .isInstanceOf(SealedValueException.class);
    String altered = sealed.substring(0, sealed.length() - 2) + "AA";
    assertThatThrownBy(() -> key.open("supervisor web-1 env TOKEN", altered))
        .isInstanceOf(SealedValueException.class);
  }

  @Test
  void plainTextFromOlderVersionsReadsAsItIs() {
    assertThat(EnvironmentKey.of(dir).open("any", "plain")).isEqualTo("plain");
    assertThat(EnvironmentKey.isSealed("plain")).isFalse();
    assertThat(EnvironmentKey.isSealed(null)).isFalse();
  }

  @Test
  void theKeyFileIsMadeOncePrivateAndThenRead() throws Exception {
    assertThat(EnvironmentKey.existing(dir)).isEmpty();
    EnvironmentKey first = EnvironmentKey.of(dir);
    Path file = dir.resolve(EnvironmentKey.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String sealed = first.seal("f", SECRET);
    assertThat(EnvironmentKey.of(dir).open("f", sealed)).isEqualTo(SECRET);
    assertThat(EnvironmentKey.existing(dir).orElseThrow().open("f", sealed)).isEqualTo(SECRET);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secrets.key");
    }
  }

  @Test
  void aFileThatIsNoKeyIsRefused() throws Exception {
    Files.writeString(dir.resolve(EnvironmentKey.FILE), "not a key\n");
    assertThatThrownBy(() -> EnvironmentKey.of(dir))
        .isInstanceOf(SealedValueException.class)
        .hasMessageContaining("is not an updraft key");
  }

  @Test
  void fingerprintsTellValuesApartWithoutRevealingThem() {
    EnvironmentKey key = EnvironmentKey.of(dir);
    String a = key.fingerprint("secrets of web", SECRET);
    assertThat(key.fingerprint("secrets of web", SECRET)).isEqualTo(a);
    assertThat(key.fingerprint("secrets of web", SECRET + "!")).isNotEqualTo(a);
    assertThat(key.fingerprint("secrets of api", SECRET)).isNotEqualTo(a);
    assertThat(EnvironmentKey.of(dir.resolve("other")).fingerprint("secrets of web", SECRET))
        .as("keyed: another environment's key gives another fingerprint")
        .isNotEqualTo(a);
    assertThat(a).hasSize(64).doesNotContain(SECRET);
  }
}
