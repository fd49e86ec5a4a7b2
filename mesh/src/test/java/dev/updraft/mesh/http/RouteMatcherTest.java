package dev.updraft.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.MatchConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteMatcherTest {
  private static HttpRequest request(String method, String uri, String host) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
    if (host != null) {
      r.headers().set("host", host);
    }
    r.headers().set("x-canary", "1");
    return r;
  }

  @Test
  void prefixMatchesOnSegmentBoundaries() {
    RouteMatcher m = new RouteMatcher(new MatchConfig(null, null, "/api", null, null, null));
    assertThat(m.matches(request("GET", "/api", null))).isTrue();
    assertThat(m.matches(request("GET", "/api/users?x=1", null))).isTrue();
    assertThat(m.matches(request("GET", "/apix", null))).isFalse();
    assertThat(m.matches(request("GET", "http://h/api/v1", null))).isTrue();
  }

  @Test
  void hostMethodHeadersAndRegex() {
    RouteMatcher m =
        new RouteMatcher(
            new MatchConfig(
                List.of("*.example.com"),
                null,
                null,
                "/v[0-9]+/.*",
                "POST",
                Map.of("x-canary", "1")));
    assertThat(m.matches(request("POST", "/v2/x", "api.EXAMPLE.com:8080"))).isTrue();
    assertThat(m.matches(request("GET", "/v2/x", "api.example.com"))).isFalse();
    assertThat(m.matches(request("POST", "/v2/x", "example.com"))).isFalse();
    assertThat(m.matches(request("POST", "/x", "a.example.com"))).isFalse();
  }
}
