package dev.updraft.mesh.conformance;

import dev.updraft.mesh.conformance.RecordingBackend.Recorded;
import dev.updraft.mesh.conformance.StrictRequests.Request;
import dev.updraft.mesh.conformance.StrictResponses.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one proxy did with one case: what the client got and what the backend received.
 *
 * @param heldPartial an upstream connection still held an unfinished request, not aborted, after
 *     the client was done
 */
record Observation(Client client, List<Recorded> backend, boolean heldPartial) {
  /** The client's side. */
  sealed interface Client {
    /** HTTP/1 connections in the order the client opened them. */
    record H1(List<H1Client.Outcome> connections) implements Client {}

    /** The HTTP/2 connection. */
    record H2(H2Client.Outcome outcome) implements Client {}
  }

  Observation {
    backend = List.copyOf(backend);
  }

  /** Every complete request the backend read, in the order it finished reading them. */
  List<Request> forwarded() {
    record Timed(long nanos, Request request) {}
    List<Timed> all = new ArrayList<>();
    for (Recorded r : backend) {
      List<Request> requests = r.parsed().messages();
      for (int i = 0; i < requests.size(); i++) {
        long at = i < r.completedNanos().size() ? r.completedNanos().get(i) : Long.MAX_VALUE;
        all.add(new Timed(at, requests.get(i)));
      }
    }
    all.sort(Comparator.comparingLong(Timed::nanos));
    return all.stream().map(Timed::request).toList();
  }

  /** The first error the backend's strict reader met, or null. */
  String backendError() {
    return backend.stream()
        .filter(r -> r.parsed().end() == Parsed.End.ERROR)
        .map(r -> r.parsed().error())
        .findFirst()
        .orElse(null);
  }

  /** One line for the table: what the client got. */
  String clientSummary() {
    return switch (client) {
      case Client.H1 h1 ->
          h1.connections().stream().map(Observation::connection).collect(Collectors.joining(" / "));
      case Client.H2 h2 -> {
        H2Client.Outcome o = h2.outcome();
        String streams =
            o.streams().entrySet().stream()
                .map(e -> "s" + e.getKey() + " " + e.getValue().summary())
                .collect(Collectors.joining(", "));
        yield (streams.isEmpty() ? "no streams" : streams)
            + (o.goAway() >= 0 ? ", GOAWAY " + H2Client.errorName(o.goAway()) : "")
            + (o.error() != null ? ", INVALID" : "")
            + (o.closed() ? ", closed" : "");
      }
    };
  }

  private static String connection(H1Client.Outcome c) {
    Parsed<Response> p = c.parsed();
    StringBuilder s = new StringBuilder();
    for (Response r : p.messages()) {
      s.append(s.isEmpty() ? "" : " ").append(r.status());
    }
    switch (p.end()) {
      case ERROR -> s.append(s.isEmpty() ? "" : " ").append("INVALID");
      case PARTIAL ->
          s.append(s.isEmpty() ? "" : " ")
              .append(p.partialStatus() > 0 ? p.partialStatus() + " cut short" : "partial");
      case CLEAN -> {}
    }
    if (s.isEmpty()) {
      s.append("nothing");
    }
    return s + (c.closed() ? ", closed" : "");
  }

  /** One line for the table: what the backend received. */
  String backendSummary() {
    if (backend.isEmpty()) {
      return "nothing";
    }
    int requests = forwarded().size();
    StringBuilder s = new StringBuilder(requests + (requests == 1 ? " request" : " requests"));
    for (Recorded r : backend) {
      switch (r.parsed().end()) {
        case ERROR -> s.append(" + invalid bytes");
        case PARTIAL -> s.append(r.closedByProxy() ? " + partial (aborted)" : " + partial (open)");
        case CLEAN -> {}
      }
    }
    return s.toString();
  }

  /** Every byte both sides saw, escaped, for the detailed report. */
  String detail() {
    StringBuilder s = new StringBuilder();
    switch (client) {
      case Client.H1 h1 -> {
        int i = 0;
        for (H1Client.Outcome c : h1.connections()) {
          s.append("    client conn ").append(i++).append(" got: ");
          s.append(Wire.show(c.received(), 600)).append('\n');
          Parsed<Response> p = c.parsed();
          if (p.error() != null) {
            s.append("      strict client reader: ").append(p.error()).append('\n');
          }
        }
      }
      case Client.H2 h2 -> {
        s.append("    client got: ").append(clientSummary()).append('\n');
        if (h2.outcome().error() != null) {
          s.append("      ").append(h2.outcome().error()).append('\n');
        }
      }
    }
    int i = 0;
    for (Recorded r : backend) {
      s.append("    backend conn ").append(i++).append(" got: ");
      s.append(Wire.show(r.bytes(), 600)).append('\n');
      s.append("      strict reader: ")
          .append(r.parsed().messages().stream().map(Request::summary).toList())
          .append(' ')
          .append(r.parsed().end())
          .append(r.parsed().error() == null ? "" : ": " + r.parsed().error())
          .append(r.closedByProxy() ? ", closed by the proxy" : "")
          .append('\n');
    }
    return s.toString();
  }
}
