package dev.updraft.mesh.conformance;

import static dev.updraft.mesh.conformance.Dsl.await;
import static dev.updraft.mesh.conformance.Dsl.bodyless;
import static dev.updraft.mesh.conformance.Dsl.get;
import static dev.updraft.mesh.conformance.Dsl.h1;
import static dev.updraft.mesh.conformance.Dsl.incomplete;
import static dev.updraft.mesh.conformance.Dsl.pause;
import static dev.updraft.mesh.conformance.Dsl.reads;
import static dev.updraft.mesh.conformance.Dsl.refuse;
import static dev.updraft.mesh.conformance.Dsl.send;
import static dev.updraft.mesh.conformance.Dsl.with;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole exchanges: pipelining after a body, body-less requests on reused upstream connections,
 * Expect, bodies that break off or turn invalid half-way, and heads that never finish.
 */
final class ExchangeCases {
  private static final String ISSUE = "issue #10";
  private static final String CHUNKED_POST =
      "POST /upload HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";

  private ExchangeCases() {}

  static List<Case> all() {
    Duration slow = ProxyUnderTest.HEAD_TIMEOUT.plusSeconds(4);
    return List.of(
        h1(
            "pipelined-after-length-body",
            "RFC 9112 §9.3.2 (pipelining)",
            "POST /a HTTP/1.1\r\nHost: c\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /b HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(with("POST", "/a", "hello"), get("/b"))),
        h1(
            "pipelined-after-chunked-body",
            "RFC 9112 §9.3.2 (pipelining)",
            CHUNKED_POST + "GET /b HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(with("POST", "/upload", "hello"), get("/b"))),
        h1(
            "pipelined-three-gets",
            "RFC 9112 §9.3.2 (pipelining)",
            "GET /1 HTTP/1.1\r\nHost: c\r\n\r\nGET /2 HTTP/1.1\r\nHost: c\r\n\r\n"
                + "GET /3 HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(get("/1"), get("/2"), get("/3"))),
        h1(
            "bodyless-get-after-chunked-post",
            ISSUE + " (a body-less GET gained a chunked body); RFC 9112 §6.3 item 7",
            List.of(
                send(CHUNKED_POST, "POST"),
                await(),
                send("GET /after HTTP/1.1\r\nHost: c\r\n\r\n", "GET"),
                await()),
            reads(with("POST", "/upload", "hello"), get("/after"))),
        h1(
            "bodyless-gets-on-reused-upstream",
            ISSUE + " (body-less GETs on pooled upstream connections)",
            reusedUpstream(),
            reads(get("/1"), get("/2"), get("/3"), get("/4"), get("/5"), get("/6"))),
        h1(
            "bodyless-post",
            "RFC 9112 §6.3 item 7 (no framing: no body)",
            "POST / HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(bodyless("POST", "/"))),
        h1(
            "head-request",
            "RFC 9110 §9.3.2",
            "HEAD / HTTP/1.1\r\nHost: c\r\n\r\n",
            reads(bodyless("HEAD", "/"))),
        h1(
            "expect-continue-then-body",
            "RFC 9110 §10.1.1",
            List.of(
                send(
                    "POST / HTTP/1.1\r\nHost: c\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
                    "POST"),
                pause(300),
                send("hello"),
                await()),
            reads(with("POST", "/", "hello"))),
        h1(
            "expect-continue-body-at-once",
            "RFC 9110 §10.1.1 (a client need not wait)",
            "POST / HTTP/1.1\r\nHost: c\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
            reads(with("POST", "/", "hello"))),
        h1(
            "expect-unknown",
            "RFC 9110 §10.1.1 (417 MAY)",
            "POST / HTTP/1.1\r\nHost: c\r\nExpect: foo\r\nContent-Length: 5\r\n\r\nhello",
            reads(with("POST", "/", "hello"))),
        h1(
            "expect-on-bodyless-get",
            "RFC 9110 §10.1.1",
            "GET / HTTP/1.1\r\nHost: c\r\nExpect: 100-continue\r\n\r\n",
            reads(get("/"))),
        h1(
            "expect-folded",
            "Kettle 2025, HTTP/1.1 Must Die (Expect obfuscation); RFC 9112 §5.2",
            "POST / HTTP/1.1\r\nHost: c\r\nExpect:\r\n 100-continue\r\nContent-Length: 5\r\n\r\nhello",
            reads(with("POST", "/", "hello"))),
        incomplete(
            "body-cut-short-length",
            ISSUE + " (a body that breaks off is never completed)",
            Dsl.DEADLINE,
            send("POST / HTTP/1.1\r\nHost: c\r\nContent-Length: 100\r\n\r\n0123456789"),
            pause(300),
            new Step.Shutdown()),
        incomplete(
            "body-cut-short-chunked",
            ISSUE + " (a body that breaks off is never completed)",
            Dsl.DEADLINE,
            send("POST / HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
            pause(300),
            new Step.Shutdown()),
        incomplete(
            "body-reset-chunked",
            ISSUE + " (a body that breaks off is never completed)",
            Dsl.DEADLINE,
            send("POST / HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
            pause(300),
            new Step.Reset()),
        h1(
            "body-turns-invalid",
            ISSUE + " (a body that turns invalid half-way aborts upstream)",
            List.of(
                send(
                    "POST / HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
                pause(300),
                send("zz\r\nboom\r\n0\r\n\r\n", "POST"),
                await()),
            refuse()),
        incomplete(
            "slow-head",
            ISSUE + " (one byte per second: 408 or close at the head timeout)",
            slow,
            new Step.Drip(
                Wire.bytes("GET / HTTP/1.1\r\nHost: c\r\nX-Slow: " + "s".repeat(40)),
                Duration.ofSeconds(1),
                List.of())),
        incomplete(
            "stalled-head",
            ISSUE + "; RFC 9112 §9.5 (a server can time out a stalled head)",
            slow,
            send("GET / HTTP/1.1\r\nHost: c\r\n")));
  }

  /**
   * Three GETs on three client connections, then three pipelined on a fourth: every one must reach
   * the backend body-less, whichever pooled upstream connection carries it.
   */
  private static List<Step> reusedUpstream() {
    List<Step> steps = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      steps.add(send("GET /" + i + " HTTP/1.1\r\nHost: c\r\n\r\n", "GET"));
      steps.add(await());
      steps.add(new Step.Reconnect());
    }
    steps.add(
        send(
            "GET /4 HTTP/1.1\r\nHost: c\r\n\r\nGET /5 HTTP/1.1\r\nHost: c\r\n\r\n"
                + "GET /6 HTTP/1.1\r\nHost: c\r\n\r\n",
            "GET",
            "GET",
            "GET"));
    steps.add(await());
    return steps;
  }
}
