package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpRequest;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw requests through the listener's HTTP/1 pipeline: each has one meaning and is routed, or is
 * refused with its status, l5d-proxy-error and a closed connection before anything is routed.
 */
class Http1FramingTest {
  private static final String CHUNKED =
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

  static Stream<Arguments> refused() {
    return Stream.of(
        // Content-Length and Transfer-Encoding conflicts and obfuscations
        Arguments.of("CL and TE", 400, cl("1") + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("duplicate CL", 400, cl("1") + "Content-Length: 1\r\n\r\nx"),
        Arguments.of("CL list", 400, cl("1, 1") + "\r\nx"),
        Arguments.of("CL sign", 400, cl("+1") + "\r\nx"),
        Arguments.of("CL hex", 400, cl("0x1") + "\r\nx"),
        Arguments.of("CL negative", 400, cl("-1") + "\r\nx"),
        Arguments.of("CL space inside", 400, cl("1 1") + "\r\nx"),
        Arguments.of("CL empty", 400, cl("") + "\r\nx"),
        Arguments.of("CL overflow", 400, cl("99999999999999999999") + "\r\nx"),
        Arguments.of("TE gzip, chunked", 501, te("gzip, chunked") + "0\r\n\r\n"),
        Arguments.of("TE in two fields", 501, te2("gzip", "chunked") + "0\r\n\r\n"),
        Arguments.of("TE chunked not last", 400, te("chunked, gzip") + "0\r\n\r\n"),
        Arguments.of("TE chunked twice", 400, te("chunked, chunked") + "0\r\n\r\n"),
        Arguments.of("TE identity", 400, te("identity")),
        Arguments.of("TE xchunked", 400, te("xchunked") + "0\r\n\r\n"),
        Arguments.of("TE quoted", 400, te("\"chunked\"") + "0\r\n\r\n"),
        Arguments.of("TE vertical tab", 400, te("\u000bchunked") + "0\r\n\r\n"),
        Arguments.of(
            "TE folded",
            400,
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of(
            "TE on HTTP/1.0",
            400,
            "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("space before colon", 400, "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
        Arguments.of("tab before colon", 400, "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"),
        // chunk sizes and extensions, refused whole when the body fails in the first read
        Arguments.of("chunk size 0x", 400, CHUNKED + "0x1\r\nx\r\n0\r\n\r\n"),
        Arguments.of("chunk size sign", 400, CHUNKED + "+1\r\nx\r\n0\r\n\r\n"),
        Arguments.of("chunk size space", 400, CHUNKED + "1 \r\nx\r\n0\r\n\r\n"),
        Arguments.of("chunk size overflow", 400, CHUNKED + "100000000\r\nx\r\n0\r\n\r\n"),
        Arguments.of("chunk size empty", 400, CHUNKED + "\r\nx\r\n0\r\n\r\n"),
        Arguments.of("chunk extension bare LF", 400, CHUNKED + "1;a\nx\r\n0\r\n\r\n"),
        Arguments.of("chunk extension CR", 400, CHUNKED + "1;a\rb\r\nx\r\n0\r\n\r\n"),
        Arguments.of(
            "chunk extension 9 KiB", 400, CHUNKED + "1;" + "a".repeat(9000) + "\r\nx\r\n0\r\n\r\n"),
        Arguments.of("chunk data too long", 400, CHUNKED + "1\r\nxy\r\n0\r\n\r\n"),
        Arguments.of("chunk data bare LF", 400, CHUNKED + "1\r\nx\n0\r\n\r\n"),
        Arguments.of("trailer bare LF", 400, CHUNKED + "0\r\nX: a\n\r\n"),
        Arguments.of("trailer bad name", 400, CHUNKED + "0\r\nX y: a\r\n\r\n"),
        // line endings and characters
        Arguments.of("bare LF", 400, "GET / HTTP/1.1\nHost: a\n\n"),
        Arguments.of("bare LF in head", 400, "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n"),
        Arguments.of("bare CR", 400, "GET / HTTP/1.1\rHost: a\r\n\r\n"),
        Arguments.of("bare CR in value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"),
        Arguments.of("NUL in value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n"),
        Arguments.of("control in value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0001b\r\n\r\n"),
        Arguments.of("DEL in value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\u007fb\r\n\r\n"),
        Arguments.of("NUL in target", 400, "GET /a\u0000b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("control in target", 400, "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("DEL in target", 400, "GET /a\u007fb HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("8-bit in target", 400, "GET /a\u00e9b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("fragment in target", 400, "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("obs-fold making a name", 400, "GET / HTTP/1.1\r\n Host: a\r\n\r\n"),
        // tokens
        Arguments.of("method with (", 400, "G(T / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("method 8-bit", 400, "G\u00e9T / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("name with (", 400, "GET / HTTP/1.1\r\nHost: a\r\nX(y): b\r\n\r\n"),
        Arguments.of("name 8-bit", 400, "GET / HTTP/1.1\r\nHost: a\r\nX\u00e9: b\r\n\r\n"),
        Arguments.of("empty name", 400, "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n"),
        Arguments.of("no colon", 400, "GET / HTTP/1.1\r\nHost: a\r\nfoo\r\n\r\n"),
        // request line and target forms
        Arguments.of("no version", 400, "GET /\r\nHost: a\r\n\r\n"),
        Arguments.of("four words", 400, "GET / x HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("version trailing space", 400, "GET / HTTP/1.1 \r\nHost: a\r\n\r\n"),
        Arguments.of("HTTP/1.10", 400, "GET / HTTP/1.10\r\nHost: a\r\n\r\n"),
        Arguments.of("version lowercase", 400, "GET / http/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("version mixed case", 400, "GET / Http/1.0\r\nHost: a\r\n\r\n"),
        Arguments.of("HTTP/1.2", 505, "GET / HTTP/1.2\r\nHost: a\r\n\r\n"),
        Arguments.of("HTTP/2.0", 505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
        Arguments.of("relative target", 400, "GET foo HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("asterisk with GET", 400, "GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("authority with GET", 400, "GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("CONNECT with a path", 400, "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("absolute with user", 400, "GET http://u@a/ HTTP/1.1\r\nHost: a\r\n\r\n"),
        // Host
        Arguments.of("no Host", 400, "GET / HTTP/1.1\r\n\r\n"),
        Arguments.of("two Hosts", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        Arguments.of("two equal Hosts", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
        Arguments.of("Host with space", 400, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
        Arguments.of("Host with user", 400, "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"),
        Arguments.of("Host with path", 400, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"),
        Arguments.of("Host bad port", 400, "GET / HTTP/1.1\r\nHost: a:x\r\n\r\n"),
        Arguments.of("Host port too big", 400, "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n"),
        Arguments.of("absolute vs Host", 400, "GET http://b/ HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of(
            "Connection: host", 400, "GET / HTTP/1.1\r\nHost: a\r\nConnection: host\r\n\r\n"),
        Arguments.of(
            "draft-76 WebSocket",
            400,
            "GET / HTTP/1.1\r\nHost: a\r\nSec-WebSocket-Key1: 1\r\nSec-WebSocket-Key2: 2\r\n\r\n12345678"),
        // sizes
        Arguments.of(
            "request line over 8 KiB",
            414,
            "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of(
            "head over 16 KiB",
            431,
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + "a".repeat(17000) + "\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedBeforeAnythingIsRouted(String name, int status, String raw) {
    try (Http1Channel ch = new Http1Channel()) {
      String out = ch.send(raw).output();
      assertThat(Http1Channel.status(out)).as(out).isEqualTo(status);
      assertThat(out.toLowerCase(Locale.ROOT))
          .contains("l5d-proxy-error: ")
          .contains("connection: close");
      assertThat(ch.routed).as("nothing routed").isEmpty();
      assertThat(ch.channel.isOpen()).as("connection closed").isFalse();
    }
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("plain GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "/"),
        Arguments.of(
            "HTTP/1.0 without Host", "GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "/x"),
        Arguments.of(
            "absolute matching Host",
            "GET http://a/x HTTP/1.1\r\nHost: A:80\r\n\r\n",
            "http://a/x"),
        Arguments.of("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "*"),
        Arguments.of("CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", "a:443"),
        Arguments.of("IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "/"),
        Arguments.of("leading CRLF", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "/"),
        // Whitespace between the words is normalized, as RFC 9112 §3 allows and HAProxy does.
        Arguments.of("tab between words", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", "/"),
        Arguments.of("obs-text value", "GET / HTTP/1.1\r\nHost: a\r\nX: \u00e9\r\n\r\n", "/"),
        Arguments.of("chunked body", CHUNKED + "1;ext=1\r\nx\r\n0\r\nT: v\r\n\r\n", "/"),
        Arguments.of("TE Chunked", te("Chunked") + "0\r\n\r\n", "/"),
        Arguments.of("CL body", cl("3") + "\r\nabc", "/"),
        Arguments.of("empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void validRequestsAreRouted(String name, String raw, String target) {
    try (Http1Channel ch = new Http1Channel()) {
      String out = ch.send(raw).output();
      assertThat(Http1Channel.status(out)).as(out).isEqualTo(404);
      assertThat(ch.routed).hasSize(1);
      assertThat(ch.routed.getFirst().uri()).isEqualTo(target);
      assertThat(ch.channel.isOpen()).isTrue();
    }
  }

  @Test
  void aRequestPipelinedBehindARefusedConnectIsServedAfterIt() {
    try (Http1Channel ch = new Http1Channel()) {
      String out =
          ch.send(
                  "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"
                      + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
              .output();
      assertThat(ch.routed).extracting(HttpRequest::uri).containsExactly("a:443", "/next");
      assertThat(out.split("HTTP/1.1 404", -1)).as(out).hasSize(3);
      assertThat(ch.channel.isOpen()).isTrue();
    }
  }

  private static String cl(String value) {
    return "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + value + "\r\n";
  }

  private static String te(String value) {
    return "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + value + "\r\n\r\n";
  }

  private static String te2(String first, String second) {
    return "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
        + first
        + "\r\nTransfer-Encoding: "
        + second
        + "\r\n\r\n";
  }
}
