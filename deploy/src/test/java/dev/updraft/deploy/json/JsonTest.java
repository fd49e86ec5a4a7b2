package dev.updraft.deploy.json;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
}
