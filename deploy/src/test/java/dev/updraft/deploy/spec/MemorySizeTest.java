package dev.updraft.deploy.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySizeTest {
  @ParameterizedTest
  @CsvSource({
    "134217728, 134217728",
    "0, 0",
    "64Ki, 65536",
    "64Mi, 67108864",
    "1Gi, 1073741824",
    "1.5Gi, 1610612736",
    "2Ti, 2199023255552",
    "500k, 500000",
    "128M, 128000000",
    "2G, 2000000000",
    "1T, 1000000000000",
    // A fraction of a byte is rounded up, as Kubernetes does.
    "0.5, 1",
    "1.0001Ki, 1025"
  })
  void readsTheFormsKubernetesWrites(String text, long bytes) {
    assertThat(MemorySize.parse(text).bytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "64MB", "64mi", "Mi", "-1Mi", "1e9", "64 Mi x", "1.Gi", "0x10"})
  void rejectsAnythingElseNamingTheValueAndTheForm(String text) {
    assertThatThrownBy(() -> MemorySize.parse(text))
        .isInstanceOfSatisfying(
            MemorySize.InvalidSize.class,
            e -> {
              assertThat(e.getMessage()).startsWith("memory: " + text + " (expected: a size");
              assertThat(e.expected()).contains("256Mi").contains("bytes");
            });
  }

  @Test
  void aSizeBeyondALongIsRejected() {
    assertThatThrownBy(() -> MemorySize.parse("8388608Ti"))
        .hasMessage("memory: 8388608Ti (expected: less than 8Ei)");
    assertThat(MemorySize.parse("8388607Ti").bytes()).isEqualTo(8388607L << 40);
  }

  @Test
  void theSpecReadsEveryFormAndReportsABadOneWithItsPosition() {
    String spec =
        """
        environment: shop
        applications:
          a: {path: ., command: run, resources: {memory: 500M}}
          b: {path: ., command: run, resources: {memory: 64MB}}
        """;
    assertThatThrownBy(() -> SpecParser.parse("updraft.yaml", spec, Path.of("/tmp")))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining(
            "updraft.yaml:4:50: applications.b.resources.memory: \"64MB\" (expected: a size such"
                + " as 256Mi, 1Gi, 500M or 134217728")
        .hasMessageNotContaining("applications.a");
    EnvironmentSpec good =
        SpecParser.parse("updraft.yaml", spec.replace("64MB", "1.5Gi"), Path.of("/tmp"));
    assertThat(((Service.Application) good.service("b")).resources().memory()).isEqualTo("1.5Gi");
  }
}
