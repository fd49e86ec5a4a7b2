package dev.updraft.mesh.conformance;

import dev.updraft.mesh.conformance.Case.Expected;
import dev.updraft.mesh.conformance.StrictRequests.Request;
import dev.updraft.mesh.conformance.StrictResponses.Response;
import java.util.Arrays;
import java.util.List;

/**
 * The safety rule, the same for every case and proxy (docs/mesh/conformance.md states it in prose).
 * A proxy is safe on a case when no two parsers along the path can disagree about it.
 */
final class Judge {
  /** SAFE or UNSAFE, and why in a few words. */
  record Verdict(boolean safe, String reason) {
    String cell() {
      return (safe ? "SAFE" : "UNSAFE") + ": " + reason;
    }
  }

  private Judge() {}

  static Verdict judge(Case c, Observation o) {
    return switch (c) {
      case Case.H1Request r ->
          request(r.readings(), o, !r.incomplete(), h1Refusal(o, r.incomplete()));
      // Stream 1 alone decides: a later stream forwarded as read says nothing about it.
      case Case.H2Request r -> request(r.readings(), o, false, h2Refusal(o));
      case Case.H1Response r -> response(r, o);
    };
  }

  /**
   * Requests: the backend must read every forwarded byte cleanly, as a prefix of one acceptable
   * reading, with nothing unfinished left open; whatever was not forwarded must have been refused
   * ({@code refusal} says whether it was, unless {@code wholeSuffices} and all was forwarded).
   */
  private static Verdict request(
      List<List<Expected>> readings, Observation o, boolean wholeSuffices, Verdict refusal) {
    String backendError = o.backendError();
    if (backendError != null) {
      return unsafe("backend could not read what was forwarded: " + backendError);
    }
    if (o.heldPartial()) {
      return unsafe("an unfinished request was left open upstream");
    }
    String invalid = clientInvalid(o);
    if (invalid != null) {
      return unsafe("client got " + invalid);
    }
    List<Request> forwarded = o.forwarded();
    boolean prefix = readings.stream().anyMatch(r -> isPrefix(forwarded, r));
    if (!prefix && !forwarded.isEmpty()) {
      List<String> got = forwarded.stream().map(Request::summary).toList();
      return unsafe(
          "forwarded "
              + got
              + (readings.isEmpty()
                  ? " (must be refused)"
                  : " (a strict reading is " + summaries(readings.getFirst()) + ")"));
    }
    boolean whole =
        readings.stream().anyMatch(r -> r.size() == forwarded.size() && isPrefix(forwarded, r));
    if (whole && !readings.isEmpty() && wholeSuffices) {
      return safe("forwarded " + forwarded.size() + " as read");
    }
    return refusal;
  }

  private static Verdict h1Refusal(Observation o, boolean incomplete) {
    List<H1Client.Outcome> conns = ((Observation.Client.H1) o.client()).connections();
    for (H1Client.Outcome c : conns) {
      for (Response r : c.parsed().messages()) {
        if (refusalStatus(r.status())) {
          return safe("refused " + r.status());
        }
      }
    }
    H1Client.Outcome last = conns.getLast();
    if (incomplete && last.closed()) {
      return safe("closed after " + last.closedAfterMillis() + " ms");
    }
    if (!last.closed() && last.parsed().messages().isEmpty()) {
      return unsafe("held open without an answer");
    }
    return unsafe("not refused with 4xx: " + o.clientSummary());
  }

  private static Verdict h2Refusal(Observation o) {
    H2Client.Outcome out = ((Observation.Client.H2) o.client()).outcome();
    if (o.forwarded().stream().anyMatch(r -> r.path().equals("/s1"))) {
      return safe("forwarded as read");
    }
    H2Client.StreamResult s1 = out.stream(1);
    if (s1.reset() >= 0) {
      return safe("stream reset " + H2Client.errorName(s1.reset()));
    }
    if (refusalStatus(s1.status())) {
      return safe("refused " + s1.status());
    }
    if (out.goAway() >= 0) {
      return safe("GOAWAY " + H2Client.errorName(out.goAway()));
    }
    return unsafe(out.closed() ? "closed without RST_STREAM or GOAWAY" : "stream 1 left open");
  }

  /**
   * Responses: the client must get a 502, or a response that reads cleanly as one acceptable
   * reading, or a response cut short by a close; and the probe after it must get the backend's own
   * answer, so no bytes of the bad response were left on a reused connection.
   */
  private static Verdict response(Case.H1Response c, Observation o) {
    List<H1Client.Outcome> conns = ((Observation.Client.H1) o.client()).connections();
    String invalid = clientInvalid(o);
    if (invalid != null) {
      return unsafe("client got " + invalid);
    }
    H1Client.Outcome first = conns.getFirst();
    Parsed<Response> p = first.parsed();
    List<Response> finals = p.messages().stream().filter(r -> !r.interim()).toList();
    Verdict answer;
    if (finals.isEmpty()) {
      if (p.end() == Parsed.End.PARTIAL && p.partialStatus() > 0) {
        answer =
            first.closed()
                ? safe("cut short after " + p.partialStatus())
                : unsafe("left an unfinished " + p.partialStatus() + " open");
      } else {
        answer = unsafe(first.closed() ? "closed without a 502" : "held open without an answer");
      }
    } else {
      Response r = finals.getFirst();
      if (r.status() == 502) {
        answer = safe("502");
      } else if (c.readings().stream()
          .anyMatch(x -> x.status() == r.status() && Arrays.equals(x.body(), r.body()))) {
        answer = safe("relayed " + r.status());
      } else {
        answer =
            unsafe(
                "relayed "
                    + r.status()
                    + " with body "
                    + Wire.show(r.body(), 30)
                    + (c.readings().isEmpty() ? " (expected: 502)" : ""));
      }
    }
    if (!answer.safe()) {
      return answer;
    }
    Response probe = finals.size() >= 2 ? finals.get(1) : probeOnNewConnection(conns);
    if (probe == null) {
      return unsafe("the probe after it got no answer");
    }
    if (probe.status() != 200 || !probe.field("x-seen").equals("GET /probe")) {
      return unsafe(
          "the probe after it got "
              + probe.status()
              + " "
              + Wire.show(probe.body(), 30)
              + " (a connection was reused)");
    }
    return answer;
  }

  private static Response probeOnNewConnection(List<H1Client.Outcome> conns) {
    if (conns.size() < 2) {
      return null;
    }
    return conns.getLast().parsed().messages().stream()
        .filter(r -> !r.interim())
        .findFirst()
        .orElse(null);
  }

  /** Why what the client received does not read cleanly, or null. */
  private static String clientInvalid(Observation o) {
    return switch (o.client()) {
      case Observation.Client.H1 h1 ->
          h1.connections().stream()
              .map(H1Client.Outcome::parsed)
              .filter(p -> p.end() == Parsed.End.ERROR)
              .map(p -> "an invalid response: " + p.error())
              .findFirst()
              .orElse(null);
      case Observation.Client.H2 h2 -> h2.outcome().error();
    };
  }

  /** 4xx, and the two 5xx codes RFC 9110/9112 name for refusing a request: 501 and 505. */
  static boolean refusalStatus(int status) {
    return (status >= 400 && status < 500) || status == 501 || status == 505;
  }

  private static boolean isPrefix(List<Request> forwarded, List<Expected> reading) {
    if (forwarded.size() > reading.size()) {
      return false;
    }
    for (int i = 0; i < forwarded.size(); i++) {
      if (!reading.get(i).matches(forwarded.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static String summaries(List<Expected> reading) {
    return reading.stream().map(Expected::summary).toList().toString();
  }

  private static Verdict safe(String reason) {
    return new Verdict(true, reason);
  }

  private static Verdict unsafe(String reason) {
    return new Verdict(false, reason);
  }
}
