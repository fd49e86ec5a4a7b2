package dev.updraft.deploy.json;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void malformedJsonIsAOneLineError() {
    // Fuzz finding (ProtocolFuzzTest): Jackson's message puts its location on a second line, and
    // the supervisor sends it back as the error of the request.
    assertThatThrownBy(() -> Json.parse("{\"op\":\"stop\",\"id\":\"ap\":null}"))
        .isInstanceOf(IOException.class)
        .hasMessageNotContaining("\n")
        .hasMessageStartingWith("Unexpected character (':' (code 58))")
        .hasMessageMatching(".* at column [0-9]+");
  }

  @Test
  void aLineThatIsNoObjectIsAOneLineError() {
    assertThatThrownBy(() -> Json.parse("[1,\n2]"))
        .isInstanceOf(IOException.class)
        .hasMessageNotContaining("\n")
        .hasMessageStartingWith("expected a JSON object: ");
  }

  @Test
  void anUnknownFieldIsNamedOnOneLine() {
    // Fuzz finding (ProtocolFuzzTest): a field name holding a line break was quoted as it came.
    assertThatThrownBy(() -> Json.parse("{\"ad\\nmin\":1}").only(Set.of("op")))
        .isInstanceOf(IOException.class)
        .hasMessage("unknown field ad\\u000amin (expected: one of [op])");
  }
}
