package dev.updraft.mesh.conformance;

import dev.updraft.mesh.conformance.Case.Expected;
import dev.updraft.mesh.conformance.Case.Relay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Short constructors that keep the case files readable as data. */
final class Dsl {
  /** A complete request that a body-length confusion turns into a second one. */
  static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: c\r\n\r\n";

  /** How long a client waits for a proxy that does not answer. */
  static final Duration DEADLINE = Duration.ofSeconds(5);

  private Dsl() {}

  /** A request without body framing, which must stay without. */
  static Expected bodyless(String method, String path) {
    return new Expected(method, path, new byte[0], false);
  }

  static Expected get(String path) {
    return bodyless("GET", path);
  }

  /** A request whose body (possibly empty) the client framed. */
  static Expected with(String method, String path, String body) {
    return new Expected(method, path, Wire.bytes(body), true);
  }

  /** No reading: the bytes must be refused. */
  static List<List<Expected>> refuse() {
    return List.of();
  }

  /** One acceptable reading (refusing stays acceptable). */
  static List<List<Expected>> reads(Expected... requests) {
    return List.of(List.of(requests));
  }

  /** {@code data} as one chunk followed by the last chunk. */
  static String oneChunk(String data) {
    return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n0\r\n\r\n";
  }

  static Step send(String bytes, String... methods) {
    return new Step.Send(Wire.bytes(bytes), List.of(methods));
  }

  static Step await() {
    return new Step.Await(0);
  }

  static Step pause(long millis) {
    return new Step.Pause(Duration.ofMillis(millis));
  }

  /** Client bytes sent at once; the answers awaited are one per request of the first reading. */
  static Case.H1Request h1(
      String name, String source, String bytes, List<List<Expected>> readings) {
    String[] methods =
        readings.isEmpty()
            ? new String[] {"GET"}
            : readings.getFirst().stream().map(Expected::method).toArray(String[]::new);
    return h1(name, source, List.of(send(bytes, methods)), readings);
  }

  static Case.H1Request h1(
      String name, String source, List<Step> steps, List<List<Expected>> readings) {
    return new Case.H1Request(name, source, steps, readings, false, DEADLINE);
  }

  /** Bytes that never finish a message: nothing may be forwarded, and the proxy must give up. */
  static Case.H1Request incomplete(String name, String source, Duration deadline, Step... steps) {
    return new Case.H1Request(name, source, List.of(steps), refuse(), true, deadline);
  }

  /** A POST whose head carries {@code fields} and whose bytes continue with {@code body}. */
  static String post(String fields, String body) {
    return "POST / HTTP/1.1\r\nHost: c\r\n" + fields + "\r\n" + body;
  }

  /**
   * HTTP/2: stream 1 carries the case's frames (path /s1), then a valid GET on stream 3 shows
   * whether the connection still serves. Refusing stream 1 is always acceptable.
   */
  static Case.H2Request h2(
      String name, String source, byte[] stream1, List<List<Expected>> s1Readings) {
    List<List<Expected>> readings = new ArrayList<>();
    for (List<Expected> r : s1Readings) {
      List<Expected> withNext = new ArrayList<>(r);
      withNext.add(get("/s3"));
      readings.add(withNext);
    }
    readings.add(List.of(get("/s3")));
    List<Step> steps =
        List.of(
            new Step.Send(H2Wire.concat(H2Wire.preface(), stream1), List.of()),
            new Step.Await(1),
            new Step.Send(H2Wire.get(3, "/s3"), List.of()),
            new Step.Await(3));
    return new Case.H2Request(name, source, steps, readings, DEADLINE);
  }

  /** HTTP/2 request headers for stream 1 in the given order, ending the stream if no body. */
  static byte[] h2Headers(boolean endStream, String... nameValues) {
    return H2Wire.headers(1, endStream, nameValues);
  }

  /** The usual pseudo-headers of a request for /s1, followed by {@code extra}. */
  static String[] pseudo(String method, String... extra) {
    List<String> all =
        new ArrayList<>(
            List.of(":method", method, ":scheme", "http", ":authority", "c", ":path", "/s1"));
    all.addAll(Arrays.asList(extra));
    return all.toArray(String[]::new);
  }

  static Relay relay(int status, String body) {
    return new Relay(status, Wire.bytes(body));
  }

  /** The backend answers GET /scripted with {@code answer} and keeps the connection. */
  static Case.H1Response response(String name, String source, String answer, Relay... readings) {
    return new Case.H1Response(name, source, "GET", Wire.bytes(answer), false, List.of(readings));
  }

  /** The backend answers GET /scripted with {@code answer}, then closes. */
  static Case.H1Response responseClosing(
      String name, String source, String answer, Relay... readings) {
    return new Case.H1Response(name, source, "GET", Wire.bytes(answer), true, List.of(readings));
  }

  /** The backend answers HEAD /scripted with {@code answer} and keeps the connection. */
  static Case.H1Response responseToHead(
      String name, String source, String answer, Relay... readings) {
    return new Case.H1Response(name, source, "HEAD", Wire.bytes(answer), false, List.of(readings));
  }
}
