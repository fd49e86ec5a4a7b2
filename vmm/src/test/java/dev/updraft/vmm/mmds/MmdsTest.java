package dev.updraft.vmm.mmds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.json.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The data store: its size limit, JSON Merge Patch, and V2 session tokens. */
class MmdsTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private static JsonNode json(String text) {
    return JsonText.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void mergePatchFollowsRfc7396sExamples() {
    // RFC 7396 appendix A, row by row: target, patch, result.
    String[][] rows = {
      {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
      {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
      {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
      {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
      {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
      {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
      {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
      {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
      {"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
      {"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
      {"{\"a\":\"foo\"}", "null", "null"},
      {"{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
      {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
      {"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
      {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"}
    };
    for (String[] row : rows) {
      JsonNode target = json(row[0]);
      JsonNode result = MergePatch.apply(target, json(row[1]));
      assertThat(JsonText.write(result)).as(row[0] + " + " + row[1]).isEqualTo(row[2]);
      assertThat(JsonText.write(target)).as("the target is untouched").isEqualTo(row[0]);
    }
  }

  @Test
  void theStoreHoldsAtMostItsLimitAsCompactJson() {
    Mmds mmds = new Mmds(20, clock::get);
    assertThat(mmds.data().isNull()).isTrue();
    assertThatThrownBy(() -> mmds.patch(json("{\"a\":1}")))
        .isInstanceOfSatisfying(
            MmdsException.class,
            e -> assertThat(e.kind()).isEqualTo(MmdsException.Kind.NOT_INITIALIZED))
        .hasMessage("The MMDS data store is not initialized.");
    mmds.put(json("{ \"key\" :   \"0123456\" }")); // 17 bytes compact
    assertThatThrownBy(() -> mmds.put(json("{\"key\":\"0123456789abc\"}")))
        .isInstanceOfSatisfying(
            MmdsException.class,
            e -> assertThat(e.kind()).isEqualTo(MmdsException.Kind.LIMIT_EXCEEDED))
        .hasMessageContaining("23 bytes (expected: at most 20, --mmds-size-limit)");
    assertThatThrownBy(() -> mmds.patch(json("{\"other\":1}")))
        .hasMessageStartingWith("The MMDS patch request doesn't fit");
    assertThat(JsonText.write(mmds.data()))
        .as("unchanged by a refused patch")
        .isEqualTo("{\"key\":\"0123456\"}");
    mmds.patch(json("{\"key\":null,\"k\":2}"));
    assertThat(JsonText.write(mmds.data())).isEqualTo("{\"k\":2}");
  }

  @Test
  void tokensAreValidUntilTheyExpireAndOnlyHere() {
    Mmds mmds = new Mmds(1000, clock::get);
    mmds.configure(MmdsVersion.V2, false, "vm-1");
    String token = mmds.issueToken(60);
    assertThat(token).hasSize(48).matches("[A-Za-z0-9+/=]+");
    assertThat(mmds.validToken(token)).isTrue();
    clock.addAndGet(59_999_000_000L);
    assertThat(mmds.validToken(token)).isTrue();
    clock.addAndGet(1_000_000L);
    assertThat(mmds.validToken(token)).as("expired").isFalse();

    String fresh = mmds.issueToken(60);
    char[] tampered = fresh.toCharArray();
    tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
    assertThat(mmds.validToken(new String(tampered))).isFalse();
    assertThat(mmds.validToken("not base64 !")).isFalse();
    assertThat(mmds.validToken("")).isFalse();
    assertThat(mmds.validToken("A".repeat(71))).isFalse();

    Mmds other = new Mmds(1000, clock::get);
    other.configure(MmdsVersion.V2, false, "vm-1");
    assertThat(other.validToken(fresh)).as("another VMM's key").isFalse();
    mmds.configure(MmdsVersion.V2, false, "vm-2");
    assertThat(mmds.validToken(fresh)).as("bound to the instance id").isFalse();
  }
}
