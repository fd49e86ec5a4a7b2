package dev.updraft.mesh.conformance;

import static dev.updraft.mesh.conformance.Dsl.SMUGGLED;
import static dev.updraft.mesh.conformance.Dsl.h1;
import static dev.updraft.mesh.conformance.Dsl.oneChunk;
import static dev.updraft.mesh.conformance.Dsl.post;
import static dev.updraft.mesh.conformance.Dsl.reads;
import static dev.updraft.mesh.conformance.Dsl.refuse;
import static dev.updraft.mesh.conformance.Dsl.with;

import java.util.List;

/**
 * Requests whose body length is ambiguous: Content-Length against Transfer-Encoding, and the
 * obfuscations that make one parser see a header another ignores.
 */
final class FramingCases {
  private static final String KETTLE = "Kettle 2019, HTTP Desync Attacks";
  private static final String PAYLOADS = "PortSwigger smuggling payloads (TE obfuscation)";

  private FramingCases() {}

  static List<Case> all() {
    return List.of(
        h1(
            "cl-te-both",
            KETTLE + " (CL.TE); RFC 9112 §6.3 item 3",
            post(
                "Content-Length: " + (5 + SMUGGLED.length()) + "\r\nTransfer-Encoding: chunked\r\n",
                "0\r\n\r\n" + SMUGGLED),
            // Transfer-Encoding wins, and the server must close after answering: the GET that
            // follows the chunked body must not be served.
            reads(with("POST", "/", ""))),
        h1(
            "te-cl-both",
            KETTLE + " (TE.CL); RFC 9112 §6.3 item 3",
            post("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", oneChunk(SMUGGLED)),
            reads(with("POST", "/", SMUGGLED))),
        h1(
            "cl0-te-chunked",
            KETTLE + "; RFC 9112 §6.3 item 3",
            post("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
            reads(with("POST", "/", "hello"))),
        obfuscatedTe(
            "te-xchunked",
            PAYLOADS + "; RFC 9112 §6.3 item 4",
            "Transfer-Encoding: xchunked",
            false),
        obfuscatedTe(
            "te-double-space",
            PAYLOADS + "; RFC 9110 §5.6.3 (OWS)",
            "Transfer-Encoding:  chunked",
            true),
        obfuscatedTe(
            "te-tab-value",
            PAYLOADS + " ([tab]chunked); RFC 9110 §5.6.3",
            "Transfer-Encoding:\tchunked",
            true),
        obfuscatedTe(
            "te-trailing-space",
            "RFC 9110 §5.5 (OWS after the value)",
            "Transfer-Encoding: chunked ",
            true),
        obfuscatedTe(
            "te-chunked-identity",
            "RFC 9112 §6.3 item 4 (chunked not final)",
            "Transfer-Encoding: chunked, identity",
            false),
        obfuscatedTe(
            "te-not-final",
            "RFC 9112 §6.1, §6.3 item 4",
            "Transfer-Encoding: chunked, gzip",
            false),
        obfuscatedTe(
            "te-identity-chunked",
            "RFC 9112 §6.1 (identity is no coding)",
            "Transfer-Encoding: identity, chunked",
            true),
        obfuscatedTe(
            "te-comma-chunked",
            "HTTP Garden: Azure CDN 1, nghttpx 1, Gunicorn 6; RFC 9110 §5.6.1",
            "Transfer-Encoding: ,chunked",
            true),
        obfuscatedTe(
            "te-chunked-comma",
            "RFC 9110 §5.6.1 (empty list elements)",
            "Transfer-Encoding: chunked,",
            true),
        obfuscatedTe(
            "te-duplicate-x",
            PAYLOADS + " (chunked + x)",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: x",
            false),
        obfuscatedTe(
            "te-duplicate-chunked",
            "RFC 9112 §6.1 (chunked applied once)",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            false),
        obfuscatedTe(
            "te-uppercase-value",
            "RFC 9112 §7 (codings are case-insensitive)",
            "Transfer-Encoding: CHUNKED",
            true),
        obfuscatedTe(
            "te-mixed-case-name",
            "RFC 9110 §5.1 (names are case-insensitive)",
            "tRaNsFeR-eNcOdInG: chunked",
            true),
        obfuscatedTe(
            "te-chunked-parameter",
            "Http11Probe SMUG-CHUNKED-WITH-PARAMS; RFC 9112 §7.1",
            "Transfer-Encoding: chunked;q=1",
            true),
        obfuscatedTe(
            "te-quoted",
            "RFC 9110 §10.1.4 (a coding is a token)",
            "Transfer-Encoding: \"chunked\"",
            false),
        obfuscatedTe(
            "te-vertical-tab",
            "RFC 9110 §5.5 (control characters)",
            "Transfer-Encoding:\u000bchunked",
            false),
        obfuscatedTe(
            "te-form-feed",
            "RFC 9110 §5.5 (control characters)",
            "Transfer-Encoding:\fchunked",
            false),
        obfuscatedTe(
            "te-nul-after",
            "RFC 9110 §5.5 (NUL: reject or replace with SP)",
            "Transfer-Encoding: chunked\u0000",
            true),
        obfuscatedTe(
            "te-space-before-colon",
            PAYLOADS + "; RFC 9112 §5.1 (MUST 400)",
            "Transfer-Encoding : chunked",
            false),
        obfuscatedTe(
            "te-newline-before-colon",
            PAYLOADS + " (Transfer-Encoding\\n: chunked)",
            "Transfer-Encoding\r\n: chunked",
            false),
        obfuscatedTe(
            "te-folded-value",
            PAYLOADS + "; RFC 9112 §5.2 (obs-fold to SP)",
            "Transfer-Encoding:\r\n chunked",
            true),
        obfuscatedTe(
            "te-after-bare-lf",
            PAYLOADS + " (X: X[\\n]Transfer-Encoding); RFC 9112 §2.2",
            "X: X\nTransfer-Encoding: chunked",
            true),
        h1(
            "te-folded-into-previous",
            PAYLOADS + " ([space]Transfer-Encoding); RFC 9112 §5.2",
            post(
                "Content-Length: "
                    + (5 + SMUGGLED.length())
                    + "\r\nX: y\r\n Transfer-Encoding: chunked\r\n",
                "0\r\n\r\n" + SMUGGLED),
            // The line folds into X's value: there is no Transfer-Encoding, Content-Length frames.
            reads(with("POST", "/", "0\r\n\r\n" + SMUGGLED))),
        h1(
            "te-http10",
            "RFC 9112 §6.1 (Transfer-Encoding in HTTP/1.0 is faulty framing)",
            "POST / HTTP/1.0\r\nHost: c\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                + "0\r\n\r\n",
            refuse()),
        h1(
            "te-gzip-chunked",
            "RFC 9112 §6.1 (chunked final: framing is known)",
            post("Transfer-Encoding: gzip, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
            reads(with("POST", "/", "hello"))),
        h1(
            "te-on-get",
            "RFC 9110 §9.3.1 (GET may carry content); Kettle 2022, Browser-Powered Desync",
            "GET / HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            reads(with("GET", "/", "hello"))),
        h1(
            "te-connection-hop",
            "Davison 2019, abusing hop-by-hop headers; RFC 9110 §7.6.1",
            post(
                "Transfer-Encoding: chunked\r\nConnection: Transfer-Encoding\r\n",
                oneChunk(SMUGGLED)),
            reads(with("POST", "/", SMUGGLED))),
        cl(
            "cl-duplicate-different",
            "RFC 9110 §8.6; RFC 9112 §6.3 item 5",
            "Content-Length: 5\r\nContent-Length: 6",
            "hello!",
            null),
        cl(
            "cl-duplicate-same",
            "RFC 9110 §8.6 (MAY take one of equal values)",
            "Content-Length: 5\r\nContent-Length: 5",
            "hello",
            "hello"),
        cl(
            "cl-list-same",
            "RFC 9110 §8.6 (MAY take one of equal values)",
            "Content-Length: 5, 5",
            "hello",
            "hello"),
        cl(
            "cl-list-different",
            "RFC 9110 §8.6; RFC 9112 §6.3 item 5",
            "Content-Length: 5, 6",
            "hello!",
            null),
        cl(
            "cl-plus",
            "HTTP Garden: CPython 1, OLS 7; RFC 9110 §8.6",
            "Content-Length: +5",
            "hello",
            null),
        cl(
            "cl-negative",
            "HTTP Garden: Mongoose 1; RFC 9110 §8.6",
            "Content-Length: -5",
            "hello",
            null),
        cl("cl-hex", "HTTP Garden: Akamai 1; RFC 9110 §8.6", "Content-Length: 0x5", "hello", null),
        cl(
            "cl-empty",
            "HTTP Garden: ATS 2, Go 1, OLS 1; RFC 9110 §8.6",
            "Content-Length: ",
            "hello",
            null),
        cl(
            "cl-empty-then-value",
            "HTTP Garden: HAProxy 1 (CVE-2023-40225)",
            "Content-Length: \r\nContent-Length: " + SMUGGLED.length(),
            SMUGGLED,
            null),
        cl(
            "cl-leading-zeros",
            "HTTP Garden: OLS 3 (read as octal); RFC 9110 §8.6 (1*DIGIT)",
            "Content-Length: 005",
            "hello",
            "hello"),
        cl(
            "cl-overflow",
            "RFC 9110 §8.6 (overflow must be an error)",
            "Content-Length: 99999999999999999999",
            "hello",
            null),
        cl(
            "cl-trailing-garbage",
            "HTTP Garden: Mongoose 5, OLS 2; RFC 9110 §8.6",
            "Content-Length: 5x",
            "hello",
            null),
        cl(
            "cl-underscore",
            "HTTP Garden: CPython 1, Gunicorn 1",
            "Content-Length: 1_0",
            "0123456789",
            null),
        cl("cl-inner-space", "RFC 9110 §8.6", "Content-Length: 1 0", "0123456789", null),
        cl(
            "cl-space-before-colon",
            "HTTP Garden: aiohttp 3, OLS 4; RFC 9112 §5.1 (MUST 400)",
            "Content-Length : " + SMUGGLED.length(),
            SMUGGLED,
            null),
        cl(
            "cl-name-high-byte",
            "HTTP Garden: Gunicorn 3 (Content-Length\\x85)",
            "Content-Length\u0085: " + SMUGGLED.length(),
            SMUGGLED,
            null),
        h1(
            "cl-get-body",
            "Kettle 2022, Browser-Powered Desync (CL.0); RFC 9110 §9.3.1",
            "GET / HTTP/1.1\r\nHost: c\r\nContent-Length: "
                + SMUGGLED.length()
                + "\r\n\r\n"
                + SMUGGLED,
            reads(with("GET", "/", SMUGGLED))),
        cl(
            "cl-connection-hop",
            "Davison 2019, abusing hop-by-hop headers; Kettle 2022 (CL.0)",
            "Content-Length: " + SMUGGLED.length() + "\r\nConnection: Content-Length",
            SMUGGLED,
            SMUGGLED));
  }

  /**
   * A POST with a Content-Length that covers {@code 0\r\n\r\n} and a smuggled GET, plus a
   * Transfer-Encoding line as given. When {@code chunked}, an RFC reading sees chunked framing: an
   * empty body, after which the connection must close (CL and TE together); otherwise the request
   * must be refused (RFC 9112 §6.3: no final chunked in a request is a 400).
   */
  private static Case obfuscatedTe(String name, String source, String teLine, boolean chunked) {
    String body = "0\r\n\r\n" + SMUGGLED;
    String bytes = post("Content-Length: " + body.length() + "\r\n" + teLine + "\r\n", body);
    if (chunked) {
      return h1(name, source, bytes, reads(with("POST", "/", "")));
    }
    return h1(name, source, bytes, refuse());
  }

  /** A POST with Content-Length lines as given; {@code read} is the body an RFC reading takes. */
  private static Case cl(String name, String source, String clLines, String body, String read) {
    String bytes = post(clLines + "\r\n", body);
    return h1(name, source, bytes, read == null ? refuse() : reads(with("POST", "/", read)));
  }
}
