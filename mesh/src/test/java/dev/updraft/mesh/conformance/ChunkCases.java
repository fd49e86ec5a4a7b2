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
 * Chunked request bodies: sizes, extensions, line terminators and trailers (RFC 9112 §7.1), where a
 * lenient parser and a strict one find different chunk boundaries.
 */
final class ChunkCases {
  private static final String GARDEN = "HTTP Garden: ";
  private static final String FUNKY = "Funky chunks (Weikop 2025)";
  private static final String PROBE = "Http11Probe ";

  private ChunkCases() {}

  static List<Case> all() {
    return List.of(
        ok("chunk-valid", "RFC 9112 §7.1", "5\r\nhello\r\n0\r\n\r\n"),
        ok("chunk-size-leading-zeros", "RFC 9112 §7.1 (1*HEXDIG)", "0005\r\nhello\r\n000\r\n\r\n"),
        ok("chunk-size-uppercase", "RFC 9112 §7.1 (HEXDIG)", "A\r\nhellohello\r\n0\r\n\r\n"),
        bad(
            "chunk-size-overflow",
            "RFC 9112 §7.1 (overflow must be an error)",
            "10000000000000005\r\nhello\r\n0\r\n\r\n"),
        bad("chunk-size-0x", GARDEN + "ATS 5, Gunicorn 4, H2O 3", "0x5\r\nhello\r\n0\r\n\r\n"),
        bad("chunk-size-negative", GARDEN + "libevent 2", "-5\r\nhello\r\n0\r\n\r\n"),
        bad("chunk-size-plus", GARDEN + "libevent 2", "+5\r\nhello\r\n0\r\n\r\n"),
        bad("chunk-size-leading-space", GARDEN + "libevent 2", " 5\r\nhello\r\n0\r\n\r\n"),
        bad(
            "chunk-size-trailing-space",
            "RFC 9112 §7.1.1 (BWS only before ';')",
            "5 \r\nhello\r\n0\r\n\r\n"),
        bad(
            "chunk-size-underscore",
            GARDEN + "aiohttp 1, H2O 3",
            "0_2e\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: c\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
        bad(
            "chunk-size-longest-prefix",
            GARDEN + "ATS 5",
            "1these-bytes-never-get-validated\r\nZ\r\n0\r\n\r\n"),
        bad("chunk-size-empty", GARDEN + "Go net/http 2, Hyper 1", "\r\n\r\n" + SMUGGLED),
        ok("chunk-ext-valid", "RFC 9112 §7.1.1", "5;name=value\r\nhello\r\n0\r\n\r\n"),
        ok(
            "chunk-ext-quoted",
            "RFC 9112 §7.1.1 (quoted-string)",
            "5;a=\"b;c\"\r\nhello\r\n0\r\n\r\n"),
        ok("chunk-ext-bws", "RFC 9112 §7.1.1 (BWS)", "5 ; a = b\r\nhello\r\n0\r\n\r\n"),
        bad(
            "chunk-ext-bare-semicolon",
            PROBE + "SMUG-CHUNK-BARE-SEMICOLON",
            "5;\r\nhello\r\n0\r\n\r\n"),
        bad(
            "chunk-ext-bare-lf",
            FUNKY + " (TERM.EXT); " + PROBE + "SMUG-CHUNK-EXT-LF",
            "5;a\nhello\r\n0\r\n\r\n"),
        bad(
            "chunk-ext-bare-cr",
            GARDEN + "Node.js 2, Akamai 3, ATS 4",
            "2\r\r;a\r\n02\r\n41\r\n0\r\n\r\n" + SMUGGLED),
        bad("chunk-ext-nul", PROBE + "SMUG-CHUNK-EXT-CTRL", "5;\u0000ext\r\nhello\r\n0\r\n\r\n"),
        bad(
            "chunk-ext-quoted-crlf",
            FUNKY + " (quoted extension spanning lines)",
            "5;a=\"\r\n\"\r\nhello\r\n0\r\n\r\n"),
        h1(
            "chunk-ext-64k",
            PROBE + "MAL-CHUNK-EXT-64K; RFC 9112 §7.1.1 (limit, 4xx); CVE-2023-39326",
            post(
                "Transfer-Encoding: chunked\r\n",
                "5;a=" + "x".repeat(65536) + "\r\nhello\r\n0\r\n\r\n"),
            reads(with("POST", "/", "hello"))),
        bad(
            "chunk-data-bare-lf",
            GARDEN + "HAProxy 3; " + PROBE + "SMUG-CHUNK-LF-TERM",
            "5\r\nhello\n0\r\n\r\n"),
        bad(
            "chunk-size-bare-lf",
            FUNKY + " (LF as chunk line terminator)",
            "5\nhello\r\n0\r\n\r\n"),
        bad(
            "chunk-size-bare-cr",
            PROBE + "SMUG-CHUNK-BARE-CR-TERM; RFC 9112 §2.2",
            "5\rhello\r\n0\r\n\r\n"),
        bad(
            "chunk-data-no-crlf",
            PROBE + "SMUG-CHUNK-MISSING-TRAILING-CRLF",
            "5\r\nhello0\r\n\r\n"),
        bad("chunk-data-too-long", FUNKY + " (TERM.SPILL)", "3\r\nhello\r\n0\r\n\r\n"),
        bad(
            "chunk-data-spill-two",
            FUNKY + " (SPILL.TERM: two bytes taken as CRLF)",
            "5\r\nhelloXY" + oneChunk(SMUGGLED)),
        bad("chunk-last-bare-lf", FUNKY + " (LF after the last chunk)", "5\r\nhello\r\n0\n\r\n"),
        bad("chunk-end-bare-lf", PROBE + "SMUG-CHUNK-LF-TRAILER", "5\r\nhello\r\n0\r\n\n"),
        bad(
            "chunk-mongoose-end",
            GARDEN + "Mongoose 6 (body ended by an empty line)",
            "1\r\nZ\r\n\r\n\r\n" + SMUGGLED),
        bad(
            "chunk-no-last-chunk",
            "RFC 9112 §7.1 (last-chunk required)",
            "5\r\nhello\r\n" + SMUGGLED),
        ok("trailer-valid", "RFC 9112 §7.1.2", "5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n"),
        ok(
            "trailer-content-length",
            "RFC 9110 §6.5.1 (framing fields in trailers)",
            "5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n"),
        ok(
            "trailer-transfer-encoding",
            "RFC 9110 §6.5.1 (framing fields in trailers)",
            "5\r\nhello\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n"),
        ok(
            "trailer-host",
            "RFC 9110 §6.5.1 (routing fields in trailers)",
            "5\r\nhello\r\n0\r\nHost: other\r\n\r\n"),
        ok(
            "trailer-obs-fold",
            "RFC 9112 §5.2 (obs-fold to SP)",
            "5\r\nhello\r\n0\r\nX: a\r\n b\r\n\r\n"),
        bad(
            "trailer-no-colon",
            "RFC 9112 §7.1.2 (field-line)",
            "5\r\nhello\r\n0\r\nGET /smuggled\r\n\r\n"),
        bad("trailer-nul-name", "RFC 9110 §5.1 (token)", "5\r\nhello\r\n0\r\nX\u0000Y: z\r\n\r\n"));
  }

  /** A chunked POST whose body {@code chunks} has one RFC reading: the body "hello" (or 10 B). */
  private static Case ok(String name, String source, String chunks) {
    String body = chunks.startsWith("A\r\n") ? "hellohello" : "hello";
    return h1(
        name,
        source,
        post("Transfer-Encoding: chunked\r\n", chunks),
        reads(with("POST", "/", body)));
  }

  /** A chunked POST whose body {@code chunks} has no RFC reading: it must be refused. */
  private static Case bad(String name, String source, String chunks) {
    return h1(name, source, post("Transfer-Encoding: chunked\r\n", chunks), refuse());
  }
}
