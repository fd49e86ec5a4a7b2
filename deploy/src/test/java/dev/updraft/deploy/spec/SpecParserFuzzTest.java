package dev.updraft.deploy.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Arbitrary text as an environment spec: either a spec comes out, or a {@link SpecException} whose
 * every problem names its field and reads as one line, never another exception (a YAML syntax error
 * included), never a hang.
 */
class SpecParserFuzzTest {
  private static final Path BASE = Path.of("/tmp/spec-fuzz");

  @FuzzTest(maxDuration = "5s")
  void parse(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      assertThat(SpecParser.parse("updraft.yaml", text, BASE)).isNotNull();
    } catch (SpecException e) {
      assertThat(e.problems()).isNotEmpty();
      for (Problem p : e.problems()) {
        assertThat(p.path()).isNotBlank();
        assertThat(p.expected()).isNotBlank();
        assertThat(p.toString()).doesNotContain("\n").doesNotContain("\r");
      }
    }
  }
}
