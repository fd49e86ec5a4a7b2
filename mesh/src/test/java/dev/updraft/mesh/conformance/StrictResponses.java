package dev.updraft.mesh.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * The client's response reader: RFC 9112 with every leniency turned off. Whatever a proxy sends a
 * client must read cleanly here, or some client will read it differently from another.
 */
final class StrictResponses {
  private StrictResponses() {}

  /** A response as the client read it; interim (1xx) responses are kept too. */
  record Response(int status, List<Field> fields, byte[] body) {
    Response {
      fields = List.copyOf(fields);
    }

    boolean interim() {
      return status >= 100 && status < 200 && status != 101;
    }

    /** The first value of a field, or "". */
    String field(String name) {
      List<String> values = Field.all(fields, name);
      return values.isEmpty() ? "" : values.getFirst();
    }
  }

  /**
   * Reads the responses to requests with {@code methods} (GET past the end of the list); {@code
   * eof} says the connection was closed, which ends a close-delimited body.
   */
  static Parsed<Response> read(byte[] data, List<String> methods, boolean eof) {
    List<Response> responses = new ArrayList<>();
    Cursor cursor = new Cursor(data, 0);
    int finals = 0;
    while (!cursor.atEnd()) {
      int start = cursor.pos();
      String method = finals < methods.size() ? methods.get(finals) : "GET";
      int[] status = {0};
      try {
        Response r = one(cursor, method, eof, status);
        responses.add(r);
        if (!r.interim()) {
          finals++;
        }
        if (r.status() == 101) {
          break;
        }
      } catch (Cursor.Incomplete e) {
        return new Parsed<>(responses, Parsed.End.PARTIAL, null, status[0]);
      } catch (Cursor.Malformed e) {
        return new Parsed<>(
            responses, Parsed.End.ERROR, e.getMessage() + " (response at offset " + start + ")", 0);
      }
    }
    return new Parsed<>(responses, Parsed.End.CLEAN, null, 0);
  }

  private static Response one(Cursor cursor, String method, boolean eof, int[] status) {
    if (!cursor.agreesWith("HTTP/1.")) {
      throw new Cursor.Malformed("bytes that cannot start a response");
    }
    String line = cursor.line();
    if (line.length() < 13
        || !line.startsWith("HTTP/1.")
        || !Character.isDigit(line.charAt(7))
        || line.charAt(8) != ' '
        || line.charAt(12) != ' ') {
      throw new Cursor.Malformed("status line " + Wire.show(line));
    }
    String code = line.substring(9, 12);
    if (!code.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Cursor.Malformed("status code " + Wire.show(code));
    }
    int s = Integer.parseInt(code);
    if (s < 100 || s > 599) {
      throw new Cursor.Malformed("status code " + s + " (expected: 100..599)");
    }
    String reason = line.substring(13);
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (!(c == ' ' || c == '\t' || Field.vchar(c) || c >= 0x80)) {
        throw new Cursor.Malformed("byte " + Wire.hex(c) + " in reason phrase");
      }
    }
    List<Field> fields = Field.section(cursor);
    boolean http10 = line.charAt(7) == '0';
    Field.Framing framing = Field.Framing.of(fields, http10, true);
    status[0] = s;
    boolean noBody = method.equals("HEAD") || s < 200 || s == 204 || s == 304;
    if ((s < 200 || s == 204) && !Field.all(fields, "content-length").isEmpty()) {
      throw new Cursor.Malformed("Content-Length in a " + s + " response");
    }
    if ((s < 200 || s == 204) && !Field.all(fields, "transfer-encoding").isEmpty()) {
      throw new Cursor.Malformed("Transfer-Encoding in a " + s + " response");
    }
    byte[] body;
    if (noBody) {
      body = new byte[0];
    } else if (framing.chunked()) {
      body = Chunked.read(cursor);
    } else if (framing.closeDelimited()) {
      if (!eof) {
        throw Cursor.Incomplete.INSTANCE;
      }
      body = cursor.rest();
    } else {
      body = cursor.take(framing.contentLength());
    }
    return new Response(s, fields, body);
  }
}
