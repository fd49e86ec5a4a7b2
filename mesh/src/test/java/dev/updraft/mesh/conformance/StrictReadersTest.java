package dev.updraft.mesh.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.conformance.StrictRequests.Request;
import dev.updraft.mesh.conformance.StrictResponses.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference readers accept what a conforming sender may send and nothing else. */
class StrictReadersTest {
  private static Parsed<Request> requests(String text) {
    return StrictRequests.read(Wire.bytes(text));
  }

  private static Parsed<Response> responses(String text, boolean eof, String... methods) {
    return StrictResponses.read(Wire.bytes(text), List.of(methods), eof);
  }

  @Test
  void readsPipelinedRequestsWithBothFramings() {
    Parsed<Request> p =
        requests(
            "POST /a HTTP/1.1\r\nHost: c\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /b HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;x=\"y\"\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: c\r\n\r\n");
    assertThat(p.end()).isEqualTo(Parsed.End.CLEAN);
    assertThat(p.messages()).extracting(Request::path).containsExactly("/a", "/b", "/c");
    assertThat(p.messages().get(1).chunked()).isTrue();
    assertThat(Wire.text(p.messages().get(1).body())).isEqualTo("hello");
    assertThat(p.messages().get(2).bodyless()).isTrue();
  }

  @Test
  void anUnfinishedBodyIsPartialNotAnError() {
    Parsed<Request> p = requests("POST / HTTP/1.1\r\nHost: c\r\nContent-Length: 10\r\n\r\nhello");
    assertThat(p.end()).isEqualTo(Parsed.End.PARTIAL);
    assertThat(p.messages()).isEmpty();
  }

  @Test
  void refusesEveryLeniency() {
    String get = "GET / HTTP/1.1\r\nHost: c\r\n";
    for (String bad :
        List.of(
            "GET / HTTP/1.1\nHost: c\n\n",
            get + "X: a\rb\r\n\r\n",
            get + "X: a\r\n b\r\n\r\n",
            get + "X: a\u0000b\r\n\r\n",
            get + "X : a\r\n\r\n",
            get + "Host: d\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET  / HTTP/1.1\r\nHost: c\r\n\r\n",
            "GET http://a/ HTTP/1.1\r\nHost: b\r\n\r\n",
            get + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            get + "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx",
            get + "Content-Length: 1, 1\r\n\r\nx",
            get + "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n",
            get + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
            get + "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
            get + "Transfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n",
            get + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n",
            get + "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n",
            get + "Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n",
            "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")) {
      assertThat(requests(bad).end()).as(Wire.show(bad)).isEqualTo(Parsed.End.ERROR);
    }
  }

  @Test
  void readsResponsesByTheRequestMethodAndStatus() {
    Parsed<Response> p =
        responses(
            "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
            false,
            "HEAD",
            "GET",
            "GET");
    assertThat(p.end()).isEqualTo(Parsed.End.CLEAN);
    assertThat(p.messages()).extracting(Response::status).containsExactly(100, 200, 204, 200);
    assertThat(p.messages().get(1).body()).isEmpty();
  }

  @Test
  void aCloseDelimitedBodyEndsOnlyAtTheClose() {
    String text = "HTTP/1.1 200 OK\r\n\r\nhello";
    assertThat(responses(text, false).end()).isEqualTo(Parsed.End.PARTIAL);
    assertThat(responses(text, true).messages().getFirst().body()).isEqualTo(Wire.bytes("hello"));
    Parsed<Response> cut = responses("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello", true);
    assertThat(cut.end()).isEqualTo(Parsed.End.PARTIAL);
    assertThat(cut.partialStatus()).isEqualTo(200);
  }

  @Test
  void refusesInvalidResponses() {
    for (String bad :
        List.of(
            "HTTP/1.1 999 Unknown\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nextra bytes")) {
      assertThat(responses(bad, false).end()).as(Wire.show(bad)).isEqualTo(Parsed.End.ERROR);
    }
  }

  @Test
  void http2FramesCarryTheHeaderBlockVerbatim() {
    byte[] frame = H2Wire.headers(1, true, "X-Upper", "a\r\nb");
    assertThat(frame[3]).isEqualTo((byte) H2Wire.HEADERS);
    assertThat(frame[4]).isEqualTo((byte) (H2Wire.END_HEADERS | H2Wire.END_STREAM));
    assertThat(frame[8]).isEqualTo((byte) 1);
    assertThat(Wire.text(frame)).contains("X-Upper").contains("a\r\nb");
  }
}
