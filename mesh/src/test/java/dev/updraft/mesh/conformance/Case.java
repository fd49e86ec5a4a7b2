package dev.updraft.mesh.conformance;

import dev.updraft.mesh.conformance.StrictRequests.Request;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One conformance case: raw bytes a client or a backend sends, where they come from, and what a
 * proxy may turn them into. Cases are data; {@link Judge} applies the same rule to all of them.
 */
sealed interface Case {
  /** A short unique name, used as the table's first column. */
  String name();

  /** Where the case comes from: an RFC section or the research that published the payload. */
  String source();

  /** {@code request} or {@code response}: which side sends the malformed bytes. */
  default String direction() {
    return switch (this) {
      case H1Request r -> "request";
      case H2Request r -> "request";
      case H1Response r -> "response";
    };
  }

  /**
   * A request a strict reader takes from the client's bytes, as the backend must receive it.
   *
   * @param framed whether the client gave the request body framing; one without must reach the
   *     backend without Transfer-Encoding and with no Content-Length other than 0
   */
  record Expected(String method, String path, byte[] body, boolean framed) {
    boolean matches(Request r) {
      return r.method().equals(method)
          && r.path().equals(path)
          && Arrays.equals(r.body(), body)
          && (framed || r.bodyless());
    }

    String summary() {
      return method + " " + Wire.show(path, 40) + (framed ? " (" + body.length + " B)" : "");
    }
  }

  /** A final response the client may receive instead of a 502. */
  record Relay(int status, byte[] body) {}

  /**
   * Client bytes over HTTP/1.x.
   *
   * @param readings every sequence of requests an RFC-conforming recipient may take from the bytes
   *     (MAY-level leniencies included); empty when the bytes must be refused
   * @param incomplete the bytes never finish a message (a stalled head, a body cut short): the
   *     proxy must answer or close within {@code deadline}
   * @param deadline how long the client waits for the proxy
   */
  record H1Request(
      String name,
      String source,
      List<Step> steps,
      List<List<Expected>> readings,
      boolean incomplete,
      Duration deadline)
      implements Case {
    public H1Request {
      steps = List.copyOf(steps);
      readings = readings.stream().map(List::copyOf).toList();
    }
  }

  /**
   * Client frames over HTTP/2 (prior knowledge). The case's request is stream 1 with path {@code
   * /s1}; later streams are valid requests that show whether the connection goes on serving.
   *
   * @param readings as for HTTP/1; a reading without {@code /s1} means stream 1 must be refused
   */
  record H2Request(
      String name,
      String source,
      List<Step> steps,
      List<List<Expected>> readings,
      Duration deadline)
      implements Case {
    public H2Request {
      steps = List.copyOf(steps);
      readings = readings.stream().map(List::copyOf).toList();
    }
  }

  /**
   * Backend bytes: the answer to the client's {@code method /scripted}; the backend then closes if
   * {@code closeAfter}. A {@code GET /probe} follows, and must get the backend's own answer.
   *
   * @param readings responses a client may receive instead of a 502; empty when only 502 is right
   */
  record H1Response(
      String name,
      String source,
      String method,
      byte[] answer,
      boolean closeAfter,
      List<Relay> readings)
      implements Case {
    public H1Response {
      readings = List.copyOf(readings);
    }
  }
}
