package dev.updraft.mesh.conformance;

import static dev.updraft.mesh.conformance.Dsl.SMUGGLED;
import static dev.updraft.mesh.conformance.Dsl.get;
import static dev.updraft.mesh.conformance.Dsl.h2;
import static dev.updraft.mesh.conformance.Dsl.h2Headers;
import static dev.updraft.mesh.conformance.Dsl.pseudo;
import static dev.updraft.mesh.conformance.Dsl.reads;
import static dev.updraft.mesh.conformance.Dsl.refuse;
import static dev.updraft.mesh.conformance.Dsl.with;

import java.util.List;

/**
 * HTTP/2 requests that RFC 9113 §8.1.1 calls malformed (an intermediary MUST NOT forward them), and
 * the downgrade attacks that smuggle HTTP/1 framing through an HTTP/2 front end.
 */
final class Http2Cases {
  private static final String RFC = "RFC 9113 ";
  private static final String SEQUEL = "Kettle 2021, HTTP/2: The Sequel is Always Worse";

  private Http2Cases() {}

  static List<Case> all() {
    return List.of(
        h2("h2-get", RFC + "§8.3.1", H2Wire.get(1, "/s1"), reads(get("/s1"))),
        h2(
            "h2-post-with-length",
            RFC + "§8.1.1",
            post(pseudo("POST", "content-length", "5"), "hello"),
            reads(with("POST", "/s1", "hello"))),
        h2(
            "h2-post-without-length",
            RFC + "§8.1 (DATA frames frame the body)",
            post(pseudo("POST"), "hello"),
            reads(with("POST", "/s1", "hello"))),
        h2(
            "h2-missing-method",
            RFC + "§8.3.1",
            h2Headers(true, ":scheme", "http", ":authority", "c", ":path", "/s1"),
            refuse()),
        h2(
            "h2-missing-path",
            RFC + "§8.3.1",
            h2Headers(true, ":method", "GET", ":scheme", "http", ":authority", "c"),
            refuse()),
        h2(
            "h2-missing-scheme",
            RFC + "§8.3.1",
            h2Headers(true, ":method", "GET", ":authority", "c", ":path", "/s1"),
            refuse()),
        h2(
            "h2-empty-path",
            RFC + "§8.3.1 (:path MUST NOT be empty)",
            h2Headers(true, ":method", "GET", ":scheme", "http", ":authority", "c", ":path", ""),
            refuse()),
        h2(
            "h2-duplicate-method",
            RFC + "§8.3",
            h2Headers(true, pseudo("GET", ":method", "POST")),
            refuse()),
        h2(
            "h2-duplicate-path",
            RFC + "§8.3",
            h2Headers(true, pseudo("GET", ":path", "/other")),
            refuse()),
        h2(
            "h2-pseudo-after-regular",
            RFC + "§8.3 (pseudo-headers come first)",
            h2Headers(
                true,
                ":method",
                "GET",
                ":scheme",
                "http",
                ":authority",
                "c",
                "x",
                "y",
                ":path",
                "/s1"),
            refuse()),
        h2(
            "h2-unknown-pseudo",
            RFC + "§8.3",
            h2Headers(true, pseudo("GET", ":foo", "bar")),
            refuse()),
        h2(
            "h2-status-in-request",
            RFC + "§8.3.2",
            h2Headers(true, pseudo("GET", ":status", "200")),
            refuse()),
        h2(
            "h2-uppercase-name",
            RFC + "§8.2.1",
            h2Headers(true, pseudo("GET", "X-Upper", "y")),
            refuse()),
        h2(
            "h2-connection-header",
            RFC + "§8.2.2",
            h2Headers(true, pseudo("GET", "connection", "keep-alive")),
            refuse()),
        h2(
            "h2-keep-alive-header",
            RFC + "§8.2.2",
            h2Headers(true, pseudo("GET", "keep-alive", "timeout=5")),
            refuse()),
        h2(
            "h2-proxy-connection",
            RFC + "§8.2.2",
            h2Headers(true, pseudo("GET", "proxy-connection", "keep-alive")),
            refuse()),
        h2(
            "h2-upgrade-header",
            RFC + "§8.2.2",
            h2Headers(true, pseudo("GET", "upgrade", "websocket")),
            refuse()),
        h2(
            "h2-transfer-encoding",
            SEQUEL + " (H2.TE); " + RFC + "§8.2.2",
            post(pseudo("POST", "transfer-encoding", "chunked"), "0\r\n\r\n" + SMUGGLED),
            refuse()),
        h2(
            "h2-te-trailers",
            RFC + "§8.2.2 (te: trailers is allowed)",
            h2Headers(true, pseudo("GET", "te", "trailers")),
            reads(get("/s1"))),
        h2("h2-te-gzip", RFC + "§8.2.2", h2Headers(true, pseudo("GET", "te", "gzip")), refuse()),
        h2(
            "h2-length-short",
            SEQUEL + " (H2.CL); " + RFC + "§8.1.1",
            post(pseudo("POST", "content-length", "0"), SMUGGLED),
            refuse()),
        h2(
            "h2-length-long",
            RFC + "§8.1.1 (content-length and DATA disagree)",
            post(pseudo("POST", "content-length", "10"), "hello"),
            refuse()),
        h2(
            "h2-length-invalid",
            RFC + "§8.1.1; RFC 9110 §8.6",
            post(pseudo("POST", "content-length", "abc"), "hello"),
            refuse()),
        h2(
            "h2-crlf-in-value",
            SEQUEL + " (H2.CRLF); " + RFC + "§8.2.1",
            h2Headers(true, pseudo("GET", "foo", "bar\r\nTransfer-Encoding: chunked")),
            refuse()),
        h2(
            "h2-crlf-in-name",
            SEQUEL + " (header name injection); " + RFC + "§8.2.1",
            h2Headers(true, pseudo("GET", "foo\r\ntransfer-encoding", "chunked")),
            refuse()),
        h2(
            "h2-lf-in-value",
            RFC + "§8.2.1",
            h2Headers(true, pseudo("GET", "foo", "a\nb")),
            refuse()),
        h2(
            "h2-nul-in-value",
            RFC + "§8.2.1",
            h2Headers(true, pseudo("GET", "foo", "a\u0000b")),
            refuse()),
        h2(
            "h2-colon-in-name",
            SEQUEL + "; " + RFC + "§8.2.1",
            h2Headers(true, pseudo("GET", "foo:bar", "x")),
            refuse()),
        h2(
            "h2-space-in-name",
            RFC + "§8.2.1",
            h2Headers(true, pseudo("GET", "foo bar", "x")),
            refuse()),
        h2(
            "h2-space-around-value",
            RFC + "§8.2.1",
            h2Headers(true, pseudo("GET", "foo", " x ")),
            refuse()),
        h2(
            "h2-method-injection",
            SEQUEL + " (request line injection via :method)",
            h2Headers(
                true,
                ":method",
                "GET /smuggled HTTP/1.1\r\nHost: c\r\n\r\nGET",
                ":scheme",
                "http",
                ":authority",
                "c",
                ":path",
                "/s1"),
            refuse()),
        h2(
            "h2-path-injection",
            SEQUEL + " (request line injection via :path)",
            h2Headers(
                true,
                ":method",
                "GET",
                ":scheme",
                "http",
                ":authority",
                "c",
                ":path",
                "/s1 HTTP/1.1\r\nHost: c\r\n\r\nGET /smuggled"),
            refuse()),
        h2(
            "h2-path-space",
            SEQUEL + "; RFC 3986 §3.3 (a space is no path character)",
            h2Headers(
                true, ":method", "GET", ":scheme", "http", ":authority", "c", ":path", "/s1 x"),
            refuse()),
        h2(
            "h2-authority-host-differ",
            RFC + "§8.3.1 (SHOULD be malformed)",
            h2Headers(true, pseudo("GET", "host", "other")),
            reads(get("/s1"))),
        h2(
            "h2-host-instead-of-authority",
            RFC + "§8.3.1 (Host may replace :authority)",
            h2Headers(true, ":method", "GET", ":scheme", "http", ":path", "/s1", "host", "c"),
            reads(get("/s1"))));
  }

  /** HEADERS for stream 1 without END_STREAM, then one DATA frame that ends it. */
  private static byte[] post(String[] headers, String body) {
    return H2Wire.concat(h2Headers(false, headers), H2Wire.data(1, true, body));
  }
}
