package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IdentityExceptionTest {
  @Test
  void aFieldNameWithANewlineCannotBreakTheMessageIntoTwoLines() {
    // Found by CertifyRequestFuzzTest: the unknown field's name was echoed as sent.
    byte[] body = "{\"ident\\nity\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    try {
      CertifyRequest.parse(body);
    } catch (IdentityException e) {
      assertThat(e.getMessage())
          .isEqualTo("body: unknown field \"ident\\u000aity\" (expected: [identity, token, csr])")
          .doesNotContain("\n");
      return;
    }
    throw new AssertionError("parsed a body with an unknown field");
  }

  @Test
  void textOutsideTheControlCharactersIsKept() {
    assertThat(new IdentityException("identity: \"é.ns\" (expected: x)").getMessage())
        .isEqualTo("identity: \"é.ns\" (expected: x)");
  }
}
