package dev.updraft.mesh.conformance;

import static dev.updraft.mesh.conformance.Dsl.relay;
import static dev.updraft.mesh.conformance.Dsl.response;
import static dev.updraft.mesh.conformance.Dsl.responseClosing;
import static dev.updraft.mesh.conformance.Dsl.responseToHead;

import java.util.List;

/**
 * Malformed responses from backends. A proxy must answer 502 (RFC 9112 §6.3: "the proxy MUST close
 * the connection to the server, discard the received response, and send a 502"), relay a message
 * with one unambiguous reading, or cut the response short by closing; and it must never reuse an
 * upstream connection that still holds bytes of a bad answer.
 */
final class ResponseCases {
  private static final String ISSUE = "issue #10";
  private static final String OK = "HTTP/1.1 200 OK\r\n";

  private ResponseCases() {}

  static List<Case> all() {
    return List.of(
        response(
            "resp-valid",
            "RFC 9112 §4",
            OK + "Content-Length: 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-valid-chunked",
            "RFC 9112 §7.1",
            OK + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            relay(200, "hello")),
        responseClosing(
            "resp-close-delimited", "RFC 9112 §6.3 item 8", OK + "\r\nhello", relay(200, "hello")),
        response(
            "resp-status-999",
            ISSUE + " (999 relayed); RFC 9110 §15",
            "HTTP/1.1 999 Unknown\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-status-600",
            "RFC 9110 §15 (100..599)",
            "HTTP/1.1 600 Six\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-status-099",
            "RFC 9110 §15 (100..599)",
            "HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-status-two-digits",
            "RFC 9112 §4 (3DIGIT)",
            "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-status-four-digits",
            "RFC 9112 §4 (3DIGIT)",
            "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-status-letters",
            ISSUE + " (malformed status line)",
            "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-status-no-reason",
            "RFC 9112 §4 (SP before an empty reason)",
            "HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-version-garbage",
            "RFC 9112 §2.3",
            "HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-version-lowercase",
            "RFC 9112 §2.3 (case-sensitive)",
            "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-version-2",
            "RFC 9112 §2.3 (major version)",
            "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
        response(
            "resp-leading-space", "RFC 9112 §4", " HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        responseClosing("resp-http09", "RFC 9112 §2.3 (no HTTP/0.9)", "hello world\r\n"),
        response(
            "resp-length-duplicate-different",
            ISSUE + " (conflicting Content-Length); RFC 9112 §6.3 item 5",
            OK + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
        response(
            "resp-length-duplicate-same",
            "RFC 9110 §8.6 (MAY take one of equal values)",
            OK + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-length-list-same",
            "RFC 9110 §8.6",
            OK + "Content-Length: 5, 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-length-list-different",
            "RFC 9110 §8.6; RFC 9112 §6.3 item 5",
            OK + "Content-Length: 5, 6\r\n\r\nhello!"),
        response(
            "resp-length-letters", "RFC 9112 §6.3 item 5", OK + "Content-Length: abc\r\n\r\nhello"),
        response(
            "resp-length-negative", "RFC 9112 §6.3 item 5", OK + "Content-Length: -1\r\n\r\nhello"),
        response(
            "resp-length-plus", "RFC 9112 §6.3 item 5", OK + "Content-Length: +5\r\n\r\nhello"),
        response("resp-length-empty", "RFC 9112 §6.3 item 5", OK + "Content-Length: \r\n\r\nhello"),
        response(
            "resp-length-overflow",
            "RFC 9112 §6.3 item 5",
            OK + "Content-Length: 99999999999999999999\r\n\r\nhello"),
        response(
            "resp-length-and-chunked",
            "RFC 9112 §6.3 item 3 (a proxy MUST remove Content-Length)",
            OK + "Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            relay(200, "hello")),
        responseClosing(
            "resp-te-unknown",
            "RFC 9112 §6.3 item 4 (read until close)",
            OK + "Transfer-Encoding: xchunked\r\n\r\nhello",
            relay(200, "hello")),
        responseClosing(
            "resp-te-http10",
            "RFC 9112 §6.1 (faulty framing in HTTP/1.0)",
            "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        response(
            "resp-chunk-size-letters",
            ISSUE + " (decoder failure); RFC 9112 §7.1",
            chunked("zz\r\nhello\r\n0\r\n\r\n")),
        response(
            "resp-chunk-size-overflow",
            "RFC 9112 §7.1",
            chunked("10000000000000005\r\nhello\r\n0\r\n\r\n")),
        response(
            "resp-chunk-size-0x",
            "HTTP Garden: ATS 5 (mirrored)",
            chunked("0x5\r\nhello\r\n0\r\n\r\n")),
        response(
            "resp-chunk-size-bare-lf",
            "Funky chunks (Weikop 2025)",
            chunked("5\nhello\r\n0\r\n\r\n")),
        response(
            "resp-chunk-data-bare-lf",
            "HTTP Garden: HAProxy 3 (mirrored)",
            chunked("5\r\nhello\n0\r\n\r\n")),
        response(
            "resp-chunk-data-too-long",
            "Funky chunks (Weikop 2025)",
            chunked("3\r\nhello\r\n0\r\n\r\n")),
        response(
            "resp-chunk-ext-valid",
            "RFC 9112 §7.1.1",
            chunked("5;a=b\r\nhello\r\n0\r\n\r\n"),
            relay(200, "hello")),
        response(
            "resp-trailer-length",
            "RFC 9110 §6.5.1 (framing fields in trailers)",
            chunked("5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n"),
            relay(200, "hello")),
        response(
            "resp-lf-line-endings",
            "RFC 9112 §2.2 (MAY accept LF)",
            "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello",
            relay(200, "hello")),
        response(
            "resp-cr-in-value",
            "RFC 9112 §2.2 (reject or SP)",
            OK + "X: a\rb\r\nContent-Length: 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-nul-in-value",
            "RFC 9110 §5.5 (reject or SP)",
            OK + "X: a\u0000b\r\nContent-Length: 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-ctl-in-value",
            "RFC 9110 §5.5 (field-vchar)",
            OK + "X: a\u0001b\r\nContent-Length: 5\r\n\r\nhello"),
        response(
            "resp-obs-fold",
            "RFC 9112 §5.2 (a proxy MUST 502 or replace with SP)",
            OK + "X: a\r\n b\r\nContent-Length: 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-space-before-colon",
            "RFC 9112 §5.1 (a proxy MUST remove the whitespace)",
            OK + "Content-Length : 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-space-in-name",
            "RFC 9110 §5.1 (token)",
            OK + "X Y: z\r\nContent-Length: 5\r\n\r\nhello"),
        response(
            "resp-empty-name",
            "HTTP Garden: Go net/http 3 (mirrored)",
            OK + ": z\r\nContent-Length: 5\r\n\r\nhello"),
        response(
            "resp-no-colon",
            "HTTP Garden: Mongoose 4 (mirrored)",
            OK + "Content-Length 5\r\n\r\nhello"),
        responseToHead(
            "resp-head-with-body",
            "RFC 9110 §9.3.2; RFC 9112 §6.3 item 1",
            OK + "Content-Length: 5\r\n\r\nhello",
            relay(200, "")),
        responseToHead(
            "resp-head-chunked-body",
            "RFC 9112 §6.3 item 1",
            OK + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            relay(200, "")),
        response(
            "resp-204-with-body",
            "RFC 9110 §15.3.5, §8.6 (no Content-Length in 204)",
            "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello",
            relay(204, "")),
        response(
            "resp-304-with-body",
            "RFC 9110 §15.4.5; RFC 9112 §6.3 item 1",
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello",
            relay(304, "")),
        response(
            "resp-100-then-garbage",
            ISSUE + " (1xx then garbage)",
            "HTTP/1.1 100 Continue\r\n\r\ngarbage\r\n\r\n"),
        response(
            "resp-100-then-valid",
            "RFC 9110 §15.2",
            "HTTP/1.1 100 Continue\r\n\r\n" + OK + "Content-Length: 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-103-then-valid",
            "RFC 8297 (Early Hints)",
            "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n"
                + OK
                + "Content-Length: 5\r\n\r\nhello",
            relay(200, "hello")),
        response(
            "resp-101-unrequested",
            "RFC 9110 §15.2.2 (no switch without Upgrade)",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n"),
        responseClosing(
            "resp-truncated-length",
            ISSUE + " (truncated body)",
            OK + "Content-Length: 10\r\n\r\nhello"),
        responseClosing(
            "resp-truncated-chunked",
            ISSUE + " (truncated body)",
            OK + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
        responseClosing(
            "resp-truncated-head", "RFC 9112 §8 (incomplete message)", OK + "Content-Le"),
        responseClosing("resp-empty-close", "RFC 9112 §8 (no response)", ""),
        response(
            "resp-extra-after-body",
            "Kettle 2022, Browser-Powered Desync (response queue poisoning)",
            OK + "Content-Length: 5\r\n\r\nhello" + OK + "Content-Length: 8\r\n\r\npoisoned",
            relay(200, "hello")),
        response(
            "resp-huge-field",
            "RFC 9110 §5.4 (field limits)",
            OK + "X-Big: " + "b".repeat(70_000) + "\r\nContent-Length: 5\r\n\r\nhello",
            relay(200, "hello")));
  }

  private static String chunked(String body) {
    return OK + "Transfer-Encoding: chunked\r\n\r\n" + body;
  }
}
