package dev.updraft.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AccessTest {
  @Test
  void onLoopbackAnyoneHereMayButOnlyUnderALoopbackName() {
    Access access = new Access(new InetSocketAddress("127.0.0.1", 9980), null);
    assertThat(access.check(get("/", "127.0.0.1:9980"))).isInstanceOf(Access.Verdict.Allow.class);
    assertThat(access.check(get("/", "localhost:9980"))).isInstanceOf(Access.Verdict.Allow.class);
    assertThat(access.check(get("/", "[::1]:9980"))).isInstanceOf(Access.Verdict.Allow.class);
    // A page whose own name was rebound to 127.0.0.1 sends its name.
    assertThat(access.check(get("/", "evil.example:9980")))
        .isEqualTo(
            new Access.Verdict.Deny(
                403, "Host: expected a loopback name (127.0.0.1, localhost, [::1])"));
    assertThat(access.check(get("/", null))).isInstanceOf(Access.Verdict.Deny.class);
  }

  @Test
  void elsewhereTheTokenIsRequiredAndTheQueryOneBecomesACookie() {
    assertThatThrownBy(() -> new Access(new InetSocketAddress("0.0.0.0", 9980), null))
        .hasMessageContaining("token: none");
    Access access = new Access(new InetSocketAddress("0.0.0.0", 9980), "t0ken");

    assertThat(access.check(get("/env/shop", "host:9980"))).isInstanceOf(Access.Verdict.Deny.class);
    assertThat(access.check(get("/env/shop?token=wrong", "host:9980")))
        .isInstanceOf(Access.Verdict.Deny.class);
    assertThat(access.check(get("/env/shop?token=t0ken", "host:9980")))
        .isEqualTo(new Access.Verdict.SetCookie("/env/shop"));

    FullHttpRequest withCookie = get("/", "host:9980");
    withCookie.headers().set(HttpHeaderNames.COOKIE, Access.COOKIE + "=t0ken");
    assertThat(access.check(withCookie)).isInstanceOf(Access.Verdict.Allow.class);
    FullHttpRequest bearer = get("/", "host:9980");
    bearer.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer t0ken");
    assertThat(access.check(bearer)).isInstanceOf(Access.Verdict.Allow.class);
  }

  @Test
  void aPostNeedsTheCsrfTokenAndItsOwnOrigin() {
    Access access = new Access(new InetSocketAddress("127.0.0.1", 9980), null);
    FullHttpRequest post = get("/env/shop/rollback", "127.0.0.1:9980");
    assertThat(access.csrfValid(access.csrf(), post)).isTrue();
    assertThat(access.csrfValid("guess", post)).isFalse();
    assertThat(access.csrfValid(null, post)).isFalse();
    post.headers().set(HttpHeaderNames.ORIGIN, "http://127.0.0.1:9980");
    assertThat(access.csrfValid(access.csrf(), post)).isTrue();
    post.headers().set(HttpHeaderNames.ORIGIN, "https://evil.example");
    assertThat(access.csrfValid(access.csrf(), post)).isFalse();
    post.headers().set(HttpHeaderNames.ORIGIN, "null"); // an opaque origin: a sandboxed frame
    assertThat(access.csrfValid(access.csrf(), post)).isFalse();
    assertThat(new Access(new InetSocketAddress("127.0.0.1", 9980), null).csrf())
        .isNotEqualTo(access.csrf());
  }

  private static FullHttpRequest get(String uri, String host) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    if (host != null) {
      request.headers().set(HttpHeaderNames.HOST, host);
    }
    return request;
  }
}
