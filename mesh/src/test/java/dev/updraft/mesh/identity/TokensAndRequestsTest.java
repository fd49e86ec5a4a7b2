package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensAndRequestsTest {
  private static final WorkloadName WEB =
      new WorkloadName("web", "shop", "updraft", "cluster.local");
  private static final WorkloadName DB = new WorkloadName("db", "shop", "updraft", "cluster.local");

  @Test
  void aLocalTokenProvesItsOwnIdentityOnly(@TempDir Path dir) {
    LocalTokens tokens = new LocalTokens();
    String token = tokens.issue(WEB);
    assertThat(tokens.verify(token, WEB)).isEqualTo(WEB);
    assertThatThrownBy(() -> tokens.verify(token, DB))
        .hasMessage("identity: \"" + DB + "\" (expected: \"" + WEB + "\", the token's identity)");
    assertThatThrownBy(() -> tokens.verify("guess", WEB))
        .hasMessage("token: not one this identity service issued");
    tokens.save(dir.resolve("tokens"));
    assertThat(LocalTokens.load(dir.resolve("tokens")).verify(token, WEB)).isEqualTo(WEB);
    tokens.revoke(token);
    assertThatThrownBy(() -> tokens.verify(token, WEB)).isInstanceOf(IdentityException.class);
  }

  @Test
  void aRequestRoundTripsThroughJson() {
    byte[] csr = Csr.create(Keys.generate(), WEB);
    CertifyRequest parsed = CertifyRequest.parse(new CertifyRequest(WEB, "t0k", csr).toJson());
    assertThat(parsed.identity()).isEqualTo(WEB);
    assertThat(parsed.token()).isEqualTo("t0k");
    assertThat(parsed.csr()).isEqualTo(csr);
  }

  @Test
  void badBodiesGetOneLineNamingTheField() {
    assertThatThrownBy(() -> parse("[]")).hasMessageStartingWith("body: not a JSON object");
    assertThatThrownBy(() -> parse("{\"identity\":1}")).hasMessageStartingWith("csr: missing");
    assertThatThrownBy(() -> parse("{\"identity\":\"x\",\"token\":\"t\",\"csr\":\"!!\"}"))
        .hasMessageStartingWith("csr: not base64");
    assertThatThrownBy(() -> parse("{\"identity\":\"x\",\"token\":\"t\",\"csr\":\"AA==\"}"))
        .hasMessageStartingWith("identity: \"x\" (expected:");
    assertThatThrownBy(() -> parse("{\"extra\":1}"))
        .hasMessageStartingWith("body: unknown field \"extra\"");
    assertThatThrownBy(() -> parse("{} {}")).hasMessageStartingWith("body: not JSON");
    assertThatThrownBy(() -> CertifyRequest.parse(new byte[CertifyRequest.MAX_BYTES + 1]))
        .hasMessageStartingWith("body: 65537 bytes");
  }

  private static CertifyRequest parse(String json) {
    return CertifyRequest.parse(json.getBytes(StandardCharsets.UTF_8));
  }
}
