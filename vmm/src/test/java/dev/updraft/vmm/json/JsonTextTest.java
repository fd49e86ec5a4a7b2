package dev.updraft.vmm.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  @Test
  void aNumberJacksonRefusesOnlyWhenReadIsAJsonErrorNotACrash() {
    // Fuzz finding (CreateVmRequestFuzzTest, CI): BigDecimal refuses an exponent this long, and
    // Jackson reports it as a NumberFormatException when the value is read, not when it is lexed.
    byte[] body = "{\"vcpu_count\": 3E222222222222}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> JsonText.parse(body))
        .isInstanceOf(JsonTextException.class)
        .hasMessageStartingWith("a number out of range: ")
        .message()
        .doesNotContain("\n");
  }

  @Test
  void ordinaryNumbersStillParse() {
    assertThat(
            JsonText.parse("{\"a\": 1.5e3}".getBytes(StandardCharsets.UTF_8)).get("a").asDouble())
        .isEqualTo(1500.0);
  }
}
