package dev.updraft.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The proxy's header conversion gives what Netty's HttpConversionUtil gives, less its tags. */
class H2ConversionTest {
  private static List<String> fields(Iterable<Map.Entry<CharSequence, CharSequence>> headers) {
    List<String> out = new ArrayList<>();
    headers.forEach(e -> out.add(e.getKey() + ": " + e.getValue()));
    return out;
  }

  private static List<String> fieldsOf(HttpHeaders headers) {
    List<String> out = new ArrayList<>();
    headers.iteratorCharSequence().forEachRemaining(e -> out.add(e.getKey() + ": " + e.getValue()));
    return out;
  }

  @Test
  void aRequestMatchesNettysConversionWithoutTheStreamIdAndSchemeTags() throws Http2Exception {
    Http2Headers in =
        new DefaultHttp2Headers()
            .method("POST")
            .path("/a?b=c")
            .scheme("https")
            .authority("example.com:8443");
    // Names as the HPACK decoder gives them (Netty joins cookies only for AsciiString names).
    in.add(AsciiString.of("content-type"), "application/grpc");
    in.add(AsciiString.of("cookie"), "a=1");
    in.add(AsciiString.of("te"), "trailers");
    in.add(AsciiString.of("cookie"), "b=2");
    in.add(AsciiString.of("x-thing"), "y");

    HttpRequest ours = H2Conversion.request(3, in);
    HttpRequest netty = HttpConversionUtil.toHttpRequest(3, in, true);
    netty.headers().remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
    netty.headers().remove(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text());

    assertThat(ours.method()).isEqualTo(netty.method());
    assertThat(ours.uri()).isEqualTo("/a?b=c").isEqualTo(netty.uri());
    assertThat(ours.protocolVersion()).isEqualTo(netty.protocolVersion());
    assertThat(fieldsOf(ours.headers())).isEqualTo(fieldsOf(netty.headers()));
    assertThat(ours.headers().get("cookie")).isEqualTo("a=1; b=2");
  }

  @Test
  void aConnectRequestsTargetIsItsAuthority() throws Http2Exception {
    Http2Headers in = new DefaultHttp2Headers().method("CONNECT").authority("h:443");
    assertThat(H2Conversion.request(1, in).uri()).isEqualTo("h:443");
  }

  @Test
  void anUndefinedPseudoHeaderIsAStreamError() {
    Http2Headers in = new DefaultHttp2Headers(false).method("GET").path("/").scheme("http");
    in.add(":bogus", "x");
    assertThatThrownBy(() -> H2Conversion.request(5, in))
        .isInstanceOf(Http2Exception.StreamException.class)
        .hasMessageContaining(":bogus");
  }

  @Test
  void aResponseMatchesNettysConversion() {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.add("Server", "nginx");
    headers.add("Date", "Mon, 07 Dec 2026 22:00:00 GMT");
    headers.add("Content-Type", "text/plain");
    headers.add("Content-Length", "12");
    headers.add("X-Custom-Thing", "Value");
    headers.add("Set-Cookie", "a=1");
    headers.add("Keep-Alive", "timeout=5");
    headers.add("Host", "h");
    headers.add("Transfer-Encoding", "chunked");
    HttpResponse head =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED, headers);

    Http2Headers ours = H2Conversion.response(head);

    assertThat(fields(ours)).isEqualTo(fields(HttpConversionUtil.toHttp2Headers(head, true)));
    assertThat(ours.status().toString()).isEqualTo("201");
    assertThat(fields(ours)).contains("x-custom-thing: Value", "content-length: 12");
  }

  @Test
  void aResponseWithConnectionOrTeOrCookieGetsNettysConversion() {
    for (String[] field :
        new String[][] {
          {"Connection", "x-hop"}, {"TE", "trailers, deflate"}, {"Cookie", "a=1; b=2"}
        }) {
      HttpHeaders headers = new DefaultHttpHeaders();
      headers.add("X-Hop", "1");
      headers.add(field[0], field[1]);
      headers.add("X-End", "2");
      HttpResponse head =
          new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, headers);
      assertThat(fields(H2Conversion.response(head)))
          .as(field[0])
          .isEqualTo(fields(HttpConversionUtil.toHttp2Headers(head, true)));
    }
  }

  @Test
  void trailersMatchNettysConversion() {
    HttpHeaders trailers = new DefaultHttpHeaders();
    trailers.add("Grpc-Status", "0");
    trailers.add("grpc-message", "ok");
    Http2Headers netty = new DefaultHttp2Headers();
    HttpConversionUtil.toHttp2Headers(trailers, netty);
    assertThat(fields(H2Conversion.trailers(trailers))).isEqualTo(fields(netty));
  }

  /**
   * RFC 9113 section 8.3.1: the HTTP/1.1 Host comes from {@code :authority}; a {@code host} field
   * beside it (the edge has checked they agree) must not become a second Host, which RFC 9112
   * section 3.2 makes a 400 at the backend. Netty's conversion sends both.
   */
  @Test
  void anAuthorityAndAHostFieldGiveOneHost() throws Http2Exception {
    Http2Headers in =
        new DefaultHttp2Headers().method("GET").path("/").scheme("http").authority("a.test");
    in.add(AsciiString.of("host"), "a.test");
    assertThat(H2Conversion.request(1, in).headers().getAll("host")).containsExactly("a.test");

    Http2Headers hostOnly = new DefaultHttp2Headers().method("GET").path("/").scheme("http");
    hostOnly.add(AsciiString.of("host"), "b.test");
    assertThat(H2Conversion.request(3, hostOnly).headers().getAll("host"))
        .as("without :authority the host field is the Host")
        .containsExactly("b.test");
  }
}
