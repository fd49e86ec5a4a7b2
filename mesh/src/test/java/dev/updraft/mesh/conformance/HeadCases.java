package dev.updraft.mesh.conformance;

import static dev.updraft.mesh.conformance.Dsl.SMUGGLED;
import static dev.updraft.mesh.conformance.Dsl.bodyless;
import static dev.updraft.mesh.conformance.Dsl.get;
import static dev.updraft.mesh.conformance.Dsl.h1;
import static dev.updraft.mesh.conformance.Dsl.reads;
import static dev.updraft.mesh.conformance.Dsl.refuse;
import static dev.updraft.mesh.conformance.Dsl.with;

import java.util.List;

/**
 * Request heads: line terminators, folding, bytes that are not allowed where they stand, tokens,
 * Host and the request target, and heads too large to keep (RFC 9112 §2-§5, RFC 9110 §5).
 */
final class HeadCases {
  private static final String GARDEN = "HTTP Garden: ";
  private static final String GET = "GET / HTTP/1.1\r\nHost: c\r\n";

  private HeadCases() {}

  static List<Case> all() {
    return List.of(
        h1("get-valid", "RFC 9112 §3", GET + "\r\n", reads(get("/"))),
        h1(
            "lf-line-endings",
            "RFC 9112 §2.2 (MAY accept LF)",
            "GET / HTTP/1.1\nHost: c\n\n",
            reads(get("/"))),
        h1("lf-in-head", "RFC 9112 §2.2 (MAY accept LF)", GET + "X: y\n\r\n", reads(get("/"))),
        h1(
            "lf-then-content-length",
            "PortSwigger smuggling payloads (X: X[\\n]...); RFC 9112 §2.2",
            "POST / HTTP/1.1\r\nHost: c\r\nX: y\nContent-Length: 5\r\n\r\nhello",
            reads(with("POST", "/", "hello"))),
        h1(
            "cr-in-value",
            "RFC 9112 §2.2 (bare CR: reject or SP)",
            GET + "X: a\rb\r\n\r\n",
            reads(get("/"))),
        h1(
            "cr-then-content-length",
            GARDEN + "Mongoose 3, CPython 2, GCP 1; RFC 9112 §2.2",
            GET + "X: y\rContent-Length: " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED,
            // With the bare CR made a space there is no Content-Length: two requests.
            reads(get("/"), get("/smuggled"))),
        h1("cr-in-request-line", "RFC 9112 §2.2", "GET / HTTP/1.1\rHost: c\r\n\r\n", refuse()),
        h1(
            "cr-after-head",
            GARDEN + "Node.js 1 (\\r\\n\\rX ends the head)",
            GET + "\rZGET /smuggled HTTP/1.1\r\nHost: c\r\n\r\n",
            refuse()),
        h1("obs-fold", "RFC 9112 §5.2 (reject or SP)", GET + "X: a\r\n b\r\n\r\n", reads(get("/"))),
        h1(
            "obs-fold-host",
            "RFC 9112 §5.2, §3.2 (folded Host is invalid)",
            "GET / HTTP/1.1\r\nHost: c\r\n d\r\n\r\n",
            refuse()),
        h1(
            "space-before-first-field",
            "RFC 9112 §2.2 (reject or ignore the line)",
            "GET / HTTP/1.1\r\n X: y\r\nHost: c\r\n\r\n",
            reads(get("/"))),
        h1(
            "space-before-first-te",
            "PortSwigger smuggling payloads ([space]Transfer-Encoding); RFC 9112 §2.2",
            "POST / HTTP/1.1\r\n Transfer-Encoding: chunked\r\nHost: c\r\nContent-Length: "
                + (5 + SMUGGLED.length())
                + "\r\n\r\n0\r\n\r\n"
                + SMUGGLED,
            // The whitespace-preceded line is ignored: Content-Length frames the body.
            reads(with("POST", "/", "0\r\n\r\n" + SMUGGLED))),
        h1(
            "nul-in-value",
            "RFC 9110 §5.5 (NUL: reject or SP); " + GARDEN + "HAProxy 2",
            GET + "X: a\u0000b\r\n\r\n",
            reads(get("/"))),
        h1("nul-in-name", GARDEN + "OLS 5", GET + "X\u0000Y: z\r\n\r\n", refuse()),
        h1("ctl-in-value", "RFC 9110 §5.5 (field-vchar)", GET + "X: a\u0001b\r\n\r\n", refuse()),
        h1("del-in-value", "RFC 9110 §5.5 (field-vchar)", GET + "X: a\u007fb\r\n\r\n", refuse()),
        h1(
            "obs-text-in-value",
            "RFC 9110 §5.5 (obs-text is allowed)",
            GET + "X: caf\u00e9\r\n\r\n",
            reads(get("/"))),
        h1(
            "high-byte-in-name",
            GARDEN + "aiohttp 8, ATS 3",
            GET + "\u00ffoo: bar\r\n\r\n",
            refuse()),
        h1("space-in-name", "RFC 9110 §5.1 (token)", GET + "X Y: z\r\n\r\n", refuse()),
        h1("separator-in-name", GARDEN + "ATS 3, Mongoose 5", GET + "X@Y: z\r\n\r\n", refuse()),
        h1(
            "empty-name",
            GARDEN + "Go net/http 3, Gunicorn 7, Node.js 3",
            GET + ": x\r\n\r\n",
            refuse()),
        h1(
            "empty-name-then-length",
            GARDEN + "Mongoose 2 (an empty name ends the head)",
            GET + ":\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED,
            refuse()),
        h1(
            "no-colon",
            GARDEN + "Mongoose 4",
            GET + "Content-Length " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED,
            refuse()),
        h1(
            "method-separator",
            "RFC 9110 §9.1 (token)",
            "G(T / HTTP/1.1\r\nHost: c\r\n\r\n",
            refuse()),
        h1(
            "method-garbage",
            GARDEN + "aiohttp 6",
            "G=\":<>(e),[T];?\" /get HTTP/1.1\r\nHost: c\r\n\r\n",
            refuse()),
        h1(
            "method-lowercase",
            "RFC 9110 §9.1 (methods are case-sensitive tokens)",
            "get / HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(bodyless("get", "/"))),
        h1(
            "method-unknown",
            "RFC 9110 §9.1 (extension methods)",
            "FOO / HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(bodyless("FOO", "/"))),
        h1(
            "request-line-double-space",
            "RFC 9112 §3 (MAY split on whitespace)",
            "GET  / HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(get("/"))),
        h1(
            "request-line-tab",
            "RFC 9112 §3 (MAY split on whitespace)",
            "GET\t/ HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(get("/"))),
        h1("target-with-space", "RFC 9112 §3.2", "GET /a b HTTP/1.1\r\nHost: c\r\n\r\n", refuse()),
        h1(
            "target-lf-http09",
            GARDEN + "aiohttp 9",
            "GET /\nHTTP/1.1\r\nHost: c\r\n\r\n",
            refuse()),
        h1("version-1-32", GARDEN + "aiohttp 5", "GET / HTTP/1.32\r\nHost: c\r\n\r\n", refuse()),
        h1(
            "version-lowercase",
            "RFC 9112 §2.3 (HTTP-name is case-sensitive)",
            "GET / http/1.1\r\nHost: c\r\n\r\n",
            refuse()),
        h1(
            "version-overflow",
            GARDEN + "libevent 1",
            "GET / HTTP/4294967295.255\r\nHost: c\r\n\r\n",
            refuse()),
        h1("version-2-over-h1", "RFC 9112 §2.3", "GET / HTTP/2.0\r\nHost: c\r\n\r\n", refuse()),
        h1("http09-request", "RFC 9112 §3 (HTTP/0.9 is not supported)", "GET /\r\n\r\n", refuse()),
        h1(
            "http10-without-host",
            "RFC 9112 §3.2 (Host is HTTP/1.1's)",
            "GET / HTTP/1.0\r\n\r\n",
            reads(get("/"))),
        h1(
            "leading-empty-line",
            "RFC 9112 §2.2 (SHOULD ignore one CRLF)",
            "\r\n" + GET + "\r\n",
            reads(get("/"))),
        h1("missing-host", "RFC 9112 §3.2 (MUST 400)", "GET / HTTP/1.1\r\n\r\n", refuse()),
        h1("duplicate-host", "RFC 9112 §3.2 (MUST 400)", GET + "Host: other\r\n\r\n", refuse()),
        h1("duplicate-host-same", "RFC 9112 §3.2 (MUST 400)", GET + "Host: c\r\n\r\n", refuse()),
        h1(
            "host-list",
            "RFC 9112 §3.2 (invalid Host: MUST 400)",
            "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n",
            refuse()),
        h1(
            "host-with-slash",
            "RFC 9112 §3.2 (invalid Host: MUST 400)",
            "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
            refuse()),
        h1(
            "host-empty",
            "RFC 9112 §3.2 (empty Host is allowed)",
            "GET / HTTP/1.1\r\nHost:\r\n\r\n",
            reads(get("/"))),
        h1(
            "absolute-form-other-host",
            "RFC 9112 §3.2.2 (the target's authority wins)",
            "GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n",
            reads(get("/x"))),
        h1(
            "absolute-form-without-host",
            "RFC 9112 §3.2 (MUST 400 without Host)",
            "GET http://a.example/x HTTP/1.1\r\n\r\n",
            refuse()),
        h1(
            "absolute-form-userinfo",
            "RFC 9110 §4.2.4 (userinfo: SHOULD be an error)",
            "GET http://u@a.example/x HTTP/1.1\r\nHost: a.example\r\n\r\n",
            reads(get("/x"))),
        h1(
            "options-asterisk",
            "RFC 9112 §3.2.4",
            "OPTIONS * HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(bodyless("OPTIONS", "*"))),
        h1(
            "huge-request-line",
            "RFC 9112 §3 (414 when too long)",
            "GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(get("/" + "a".repeat(100_000)))),
        h1(
            "huge-head",
            "RFC 6585 §5 (431)",
            GET
                + "X-Pad: "
                + "p".repeat(500)
                + "\r\n"
                + ("X-Pad: " + "p".repeat(500) + "\r\n").repeat(299)
                + "\r\n",
            reads(get("/"))),
        h1(
            "huge-field",
            "RFC 6585 §5 (431)",
            GET + "X-Big: " + "b".repeat(70_000) + "\r\n\r\n",
            reads(get("/"))));
  }
}
