package dev.updraft.deploy.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary journal lines, as a crash or a damaged disk leaves them: either an entry comes out that
 * writes back to a line which reads as the same entry, or an {@link IOException} with a one-line
 * message (the journal stops there), never another exception.
 */
class EntryJsonFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void line(byte[] data) {
    String line = new String(data, StandardCharsets.UTF_8);
    Entry entry;
    try {
      entry = EntryJson.read(line);
    } catch (IOException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").doesNotContain("\r");
      return;
    }
    String written = EntryJson.write(entry);
    assertThat(written).doesNotContain("\n");
    try {
      assertThat(EntryJson.read(written)).isEqualTo(entry);
    } catch (IOException e) {
      throw new AssertionError("a written entry does not read back: " + written, e);
    }
  }
}
