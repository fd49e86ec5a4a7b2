package dev.updraft.mesh.conformance;

import static dev.updraft.mesh.conformance.Dsl.get;
import static dev.updraft.mesh.conformance.Dsl.reads;
import static dev.updraft.mesh.conformance.Dsl.refuse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.conformance.RecordingBackend.Recorded;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The safety rule on hand-made observations: each clause can make a verdict UNSAFE. */
class JudgeTest {
  private static final Case REFUSE = Dsl.h1("x", "test", "GET / HTTP/1.1\r\n\r\n", refuse());
  private static final Case GET =
      Dsl.h1("y", "test", "GET / HTTP/1.1\r\nHost: c\r\n\r\n", reads(get("/")));

  private static Observation observe(String client, boolean closed, String... backend) {
    List<Recorded> conns = new ArrayList<>();
    for (String b : backend) {
      Parsed<StrictRequests.Request> p = StrictRequests.read(Wire.bytes(b));
      List<Long> times = new ArrayList<>();
      for (int i = 0; i < p.messages().size(); i++) {
        times.add((long) i);
      }
      conns.add(new Recorded(Wire.bytes(b), p, false, times));
    }
    H1Client.Outcome out = new H1Client.Outcome(Wire.bytes(client), List.of("GET"), closed, 5);
    return new Observation(new Observation.Client.H1(List.of(out)), conns, false);
  }

  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

  @Test
  void aRefusalWithNothingForwardedIsSafe() {
    Judge.Verdict v =
        Judge.judge(REFUSE, observe("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", true));
    assertThat(v.safe()).isTrue();
  }

  @Test
  void forwardingWhatMustBeRefusedIsUnsafe() {
    Judge.Verdict v = Judge.judge(REFUSE, observe(OK, false, "GET / HTTP/1.1\r\nHost: c\r\n\r\n"));
    assertThat(v.safe()).isFalse();
    assertThat(v.reason()).contains("must be refused");
  }

  @Test
  void silenceIsNotARefusal() {
    assertThat(Judge.judge(REFUSE, observe("", false)).reason()).contains("held open");
    assertThat(Judge.judge(REFUSE, observe("", true)).safe()).isFalse();
  }

  @Test
  void aBodylessRequestThatGainsAChunkedBodyIsUnsafe() {
    String chunked = "GET / HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assertThat(Judge.judge(GET, observe(OK, false, chunked)).safe()).isFalse();
    String plain = "GET / HTTP/1.1\r\nHost: c\r\n\r\n";
    assertThat(Judge.judge(GET, observe(OK, false, plain)).safe()).isTrue();
  }

  @Test
  void aSecondRequestOrBytesTheBackendCannotReadAreUnsafe() {
    String two = "GET / HTTP/1.1\r\nHost: c\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: c\r\n\r\n";
    assertThat(Judge.judge(GET, observe(OK + OK, false, two)).safe()).isFalse();
    String bad = "GET / HTTP/1.1\r\nHost: c\r\nX: a\u0001\r\n\r\n";
    assertThat(Judge.judge(GET, observe(OK, false, bad)).reason()).contains("backend could not");
  }

  @Test
  void anInvalidResponseToTheClientIsUnsafe() {
    String relayed = "HTTP/1.1 999 Unknown\r\nContent-Length: 0\r\n\r\n";
    Case c = Dsl.response("z", "test", relayed);
    assertThat(Judge.judge(c, observe(relayed, false)).reason()).contains("invalid response");
  }

  @Test
  void aResponseCaseNeedsA502AndACleanProbe() {
    Case c = Dsl.response("z", "test", "HTTP/1.1 999 Unknown\r\n\r\n");
    String bad = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
    String probe = "HTTP/1.1 200 OK\r\nX-Seen: GET /probe\r\nContent-Length: 0\r\n\r\n";
    String poisoned = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    assertThat(Judge.judge(c, observe(bad + probe, false)).safe()).isTrue();
    assertThat(Judge.judge(c, observe(bad + poisoned, false)).reason()).contains("probe");
  }
}
