package dev.updraft.deploy.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealerTest {
  @TempDir Path dir;

  @Test
  void sealsWhatIsSecretAndOpensWhatIsSealed() {
    Sealer sealer = new Sealer(EnvironmentKey.of(dir), (field, value) -> value.contains("pw"));
    String url = sealer.seal("db url", "postgresql://postgres:pw@127.0.0.1:5432/db");
    assertThat(url).startsWith("sealed:v1:");
    assertThat(sealer.seal("db host", "127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(sealer.seal("db url", url)).as("never twice").isEqualTo(url);
    assertThat(sealer.open("db url", url)).isEqualTo("postgresql://postgres:pw@127.0.0.1:5432/db");
    assertThat(sealer.wouldSeal("db password", "pw-1")).isTrue();
    assertThat(sealer.wouldSeal("db url", url)).isFalse();
  }

  @Test
  void withoutAKeyNothingIsSealedAndASealedValueCannotBeRead() {
    String sealed = EnvironmentKey.of(dir).seal("f", "value");
    Sealer none = new Sealer(null, (field, value) -> true);
    assertThat(none.seal("f", "value")).isEqualTo("value");
    assertThatThrownBy(() -> none.open("f", sealed))
        .isInstanceOf(SealedValueException.class)
        .hasMessage("f: the value is sealed, and the state directory has no secrets.key");
  }
}
