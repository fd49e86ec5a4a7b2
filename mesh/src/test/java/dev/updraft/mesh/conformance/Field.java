package dev.updraft.mesh.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One header or trailer field, and the strict reading of a field section (RFC 9110 §5.5, RFC 9112
 * §5): a token name, a colon with no whitespace before it, a value of visible characters, spaces
 * and tabs only. No obs-fold, no bare CR or LF, no NUL or other control characters.
 */
record Field(String name, String value) {
  /** Reads field lines up to and including the empty line that ends the section. */
  static List<Field> section(Cursor cursor) {
    List<Field> fields = new ArrayList<>();
    while (true) {
      String line = cursor.line();
      if (line.isEmpty()) {
        return fields;
      }
      fields.add(parse(line));
    }
  }

  static Field parse(String line) {
    char first = line.charAt(0);
    if (first == ' ' || first == '\t') {
      throw new Cursor.Malformed("line starting with whitespace (obs-fold): " + Wire.show(line));
    }
    int colon = line.indexOf(':');
    if (colon < 0) {
      throw new Cursor.Malformed("field line without a colon: " + Wire.show(line));
    }
    if (colon == 0) {
      throw new Cursor.Malformed("empty field name: " + Wire.show(line));
    }
    String name = line.substring(0, colon);
    for (int i = 0; i < name.length(); i++) {
      if (!tchar(name.charAt(i))) {
        throw new Cursor.Malformed(
            "invalid byte " + Wire.hex(name.charAt(i)) + " in field name " + Wire.show(name));
      }
    }
    String value = trimOws(line.substring(colon + 1));
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c == ' ' || c == '\t' || vchar(c) || c >= 0x80)) {
        throw new Cursor.Malformed(
            "invalid byte " + Wire.hex(c) + " in the value of " + name + ": " + Wire.show(value));
      }
    }
    return new Field(name, value);
  }

  /** RFC 9110 §5.6.2. */
  static boolean tchar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  static boolean token(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!tchar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean vchar(char c) {
    return c >= 0x21 && c <= 0x7e;
  }

  static String trimOws(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }

  boolean named(String other) {
    return name.equalsIgnoreCase(other);
  }

  /** The values of every field called {@code name}, in order. */
  static List<String> all(List<Field> fields, String name) {
    return fields.stream().filter(f -> f.named(name)).map(Field::value).toList();
  }

  /** A message's framing from its Content-Length and Transfer-Encoding fields, read strictly. */
  record Framing(boolean chunked, long contentLength, boolean closeDelimited) {
    static Framing of(List<Field> fields, boolean http10, boolean response) {
      List<String> te = all(fields, "transfer-encoding");
      List<String> cl = all(fields, "content-length");
      if (!te.isEmpty()) {
        if (http10) {
          throw new Cursor.Malformed("Transfer-Encoding in an HTTP/1.0 message");
        }
        if (!cl.isEmpty()) {
          throw new Cursor.Malformed("both Transfer-Encoding and Content-Length");
        }
        List<String> codings = new ArrayList<>();
        for (String v : te) {
          for (String element : v.split(",", -1)) {
            String coding = trimOws(element).toLowerCase(Locale.ROOT);
            if (!token(coding)) {
              throw new Cursor.Malformed("Transfer-Encoding element " + Wire.show(element));
            }
            codings.add(coding);
          }
        }
        boolean last = codings.getLast().equals("chunked");
        if (codings.indexOf("chunked") != codings.size() - 1 && codings.contains("chunked")) {
          throw new Cursor.Malformed("chunked is not only the final coding: " + te);
        }
        if (!last && !response) {
          throw new Cursor.Malformed("request Transfer-Encoding without final chunked: " + te);
        }
        return new Framing(last, -1, !last);
      }
      if (cl.size() > 1) {
        throw new Cursor.Malformed("Content-Length given " + cl.size() + " times: " + cl);
      }
      if (cl.size() == 1) {
        String v = cl.getFirst();
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new Cursor.Malformed("Content-Length " + Wire.show(v));
        }
        return new Framing(false, Long.parseLong(v), false);
      }
      return new Framing(false, response ? -1 : 0, response);
    }
  }
}
