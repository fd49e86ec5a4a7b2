package dev.updraft.mesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

class H2RequestRulesTest {
  private static Http2Headers get(String path) {
    return new DefaultHttp2Headers(false).method("GET").scheme("http").authority("a").path(path);
  }

  @Test
  void aWellFormedRequestPasses() {
    assertThat(H2RequestRules.problem(get("/x?y=1"))).isNull();
    assertThat(H2RequestRules.problem(get("/").add("host", "A:80"))).isNull();
    assertThat(H2RequestRules.problem(get("*").method("OPTIONS"))).isNull();
    assertThat(
            H2RequestRules.problem(
                new DefaultHttp2Headers(false).method("CONNECT").authority("a:443")))
        .isNull();
  }

  @Test
  void pseudoHeaderValuesMustBeValid() {
    assertThat(H2RequestRules.problem(get("/").method("G T"))).startsWith(":method");
    assertThat(H2RequestRules.problem(get("x"))).startsWith(":path");
    assertThat(H2RequestRules.problem(get("*"))).startsWith(":path");
    assertThat(H2RequestRules.problem(get("/a b"))).startsWith(":path");
    assertThat(H2RequestRules.problem(get("/a#b"))).startsWith(":path");
    assertThat(H2RequestRules.problem(get("/").scheme("ht tp"))).startsWith(":scheme");
    assertThat(H2RequestRules.problem(get("/").authority("u@a"))).startsWith(":authority");
    assertThat(H2RequestRules.problem(get("/").authority("a b"))).startsWith(":authority");
  }

  @Test
  void hostMustAgreeWithTheAuthority() {
    assertThat(H2RequestRules.problem(get("/").add("host", "b"))).startsWith("host");
    assertThat(H2RequestRules.problem(get("/").add("host", "a").add("host", "a")))
        .startsWith("host");
    assertThat(H2RequestRules.problem(get("/").add("host", "a/b"))).startsWith("host");
  }
}
