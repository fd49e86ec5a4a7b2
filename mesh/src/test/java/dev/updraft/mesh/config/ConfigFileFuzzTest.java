package dev.updraft.mesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary text as a configuration file: it parses, or fails with the config module's own error
 * carrying a message; never another exception.
 */
class ConfigFileFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void parse(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      assertThat(ConfigFile.parse("fuzz.yaml", text)).isNotNull();
    } catch (MeshConfigException e) {
      assertThat(e.getMessage()).startsWith("fuzz.yaml").hasSizeGreaterThan("fuzz.yaml: ".length());
    }
  }
}
