package dev.updraft.mesh.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The recording backend's request reader: RFC 9112 with every leniency turned off, so that bytes it
 * accepts mean the same to any conforming server. A proxy is safe only if what it forwards reads
 * cleanly here.
 */
final class StrictRequests {
  private StrictRequests() {}

  /** A request as the backend read it. */
  record Request(
      String method,
      String target,
      String version,
      List<Field> fields,
      byte[] body,
      boolean chunked,
      long contentLength) {
    Request {
      fields = List.copyOf(fields);
    }

    /** No body framing at all: no Transfer-Encoding and no Content-Length other than 0. */
    boolean bodyless() {
      return !chunked && contentLength <= 0;
    }

    /** The path the request names, also when it came in absolute form. */
    String path() {
      if (target.startsWith("http://") || target.startsWith("https://")) {
        int slash = target.indexOf('/', target.indexOf("//") + 2);
        return slash < 0 ? "/" : target.substring(slash);
      }
      return target;
    }

    String summary() {
      String framing = chunked ? "chunked" : contentLength > 0 ? "CL " + contentLength : "no body";
      return method + " " + Wire.show(path(), 40) + " (" + framing + ")";
    }
  }

  static Parsed<Request> read(byte[] data) {
    List<Request> requests = new ArrayList<>();
    Cursor cursor = new Cursor(data, 0);
    while (!cursor.atEnd()) {
      int start = cursor.pos();
      try {
        requests.add(one(cursor));
      } catch (Cursor.Incomplete e) {
        return new Parsed<>(requests, Parsed.End.PARTIAL, null, 0);
      } catch (Cursor.Malformed e) {
        return new Parsed<>(
            requests, Parsed.End.ERROR, e.getMessage() + " (message at offset " + start + ")", 0);
      }
    }
    return new Parsed<>(requests, Parsed.End.CLEAN, null, 0);
  }

  private static Request one(Cursor cursor) {
    if (!Field.tchar(cursor.peek())) {
      throw new Cursor.Malformed("byte " + Wire.hex(cursor.peek()) + " cannot start a request");
    }
    String line = cursor.line();
    String[] parts = line.split(" ", -1);
    if (parts.length != 3) {
      throw new Cursor.Malformed("request line " + Wire.show(line));
    }
    String method = parts[0];
    String target = parts[1];
    String version = parts[2];
    if (!Field.token(method)) {
      throw new Cursor.Malformed("method " + Wire.show(method));
    }
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw new Cursor.Malformed("version " + Wire.show(version));
    }
    checkTarget(method, target);
    List<Field> fields = Field.section(cursor);
    checkHost(target, version, fields);
    Field.Framing framing = Field.Framing.of(fields, version.equals("HTTP/1.0"), false);
    byte[] body = framing.chunked() ? Chunked.read(cursor) : cursor.take(framing.contentLength());
    return new Request(
        method, target, version, fields, body, framing.chunked(), framing.contentLength());
  }

  private static void checkTarget(String method, String target) {
    if (target.isEmpty()) {
      throw new Cursor.Malformed("empty request target");
    }
    for (int i = 0; i < target.length(); i++) {
      if (!Field.vchar(target.charAt(i))) {
        throw new Cursor.Malformed("byte " + Wire.hex(target.charAt(i)) + " in request target");
      }
    }
    boolean ok =
        target.startsWith("/")
            || target.startsWith("http://")
            || target.startsWith("https://")
            || (target.equals("*") && method.equals("OPTIONS"))
            || (method.equals("CONNECT") && target.matches("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]+"));
    if (!ok) {
      throw new Cursor.Malformed("request target " + Wire.show(target) + " for " + method);
    }
  }

  /**
   * RFC 9112 §3.2: one Host in HTTP/1.1, a valid value, equal to an absolute target's authority.
   */
  private static void checkHost(String target, String version, List<Field> fields) {
    List<String> hosts = Field.all(fields, "host");
    if (hosts.size() > 1) {
      throw new Cursor.Malformed("Host given " + hosts.size() + " times");
    }
    if (hosts.isEmpty()) {
      if (version.equals("HTTP/1.1")) {
        throw new Cursor.Malformed("HTTP/1.1 request without Host");
      }
      return;
    }
    String host = hosts.getFirst();
    if (!host.matches("[A-Za-z0-9\\-._~%!$&'()*+,;=:\\[\\]]*")) {
      throw new Cursor.Malformed("Host " + Wire.show(host));
    }
    if (target.startsWith("http://") || target.startsWith("https://")) {
      String rest = target.substring(target.indexOf("//") + 2);
      int slash = rest.indexOf('/');
      String authority = slash < 0 ? rest : rest.substring(0, slash);
      if (!authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))) {
        throw new Cursor.Malformed(
            "absolute target authority " + Wire.show(authority) + " but Host " + Wire.show(host));
      }
    }
  }
}
