package dev.updraft.vmm.mmds;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.json.JsonText;
import dev.updraft.vmm.json.JsonTextException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Arbitrary text as the MMDS document and a JSON Merge Patch of it (PUT and PATCH /mmds): parsing
 * fails only with its own exception, the store never holds more than its limit, a refused write
 * changes nothing, and merge patch is idempotent, as RFC 7396 makes it.
 */
class MmdsDocumentFuzzTest {
  private static final long LIMIT = 512;

  @FuzzTest(maxDuration = "5s")
  void document(byte[] data) {
    if (data.length == 0) {
      return;
    }
    int split = 1 + (data[0] & 0xFF) % data.length;
    JsonNode document = parse(Arrays.copyOfRange(data, 1, split));
    JsonNode patch = parse(Arrays.copyOfRange(data, split, data.length));
    Mmds mmds = new Mmds(LIMIT);
    if (document != null) {
      write(mmds, () -> mmds.put(document));
    }
    if (patch != null) {
      write(mmds, () -> mmds.patch(patch));
      JsonNode once = MergePatch.apply(mmds.data(), patch);
      assertThat(MergePatch.apply(once, patch)).isEqualTo(once);
    }
  }

  private static JsonNode parse(byte[] text) {
    try {
      return JsonText.parse(text);
    } catch (JsonTextException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }

  private static void write(Mmds mmds, Runnable change) {
    String before = JsonText.write(mmds.data());
    try {
      change.run();
    } catch (MmdsException e) {
      assertThat(JsonText.write(mmds.data()))
          .as("a refused write changes nothing")
          .isEqualTo(before);
    }
    assertThat((long) JsonText.write(mmds.data()).getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(LIMIT);
  }
}
