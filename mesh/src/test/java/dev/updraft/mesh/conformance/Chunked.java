package dev.updraft.mesh.conformance;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Set;

/**
 * The chunked transfer coding read strictly (RFC 9112 §7.1): hex sizes of at most 16 digits,
 * extensions that follow the grammar exactly, CRLF after every line and every chunk's data, and a
 * trailer section without fields that frame or route the message (RFC 9110 §6.5.1).
 */
final class Chunked {
  /** Trailer fields a lenient recipient might merge into the head and act on. */
  private static final Set<String> FORBIDDEN_TRAILERS =
      Set.of("content-length", "transfer-encoding", "host", "trailer", "connection");

  private Chunked() {}

  static byte[] read(Cursor cursor) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      long size = sizeLine(cursor.line());
      if (size == 0) {
        List<Field> trailers = Field.section(cursor);
        for (Field f : trailers) {
          if (FORBIDDEN_TRAILERS.contains(f.name().toLowerCase(java.util.Locale.ROOT))) {
            throw new Cursor.Malformed("framing field in the trailer section: " + f.name());
          }
        }
        return body.toByteArray();
      }
      body.writeBytes(cursor.take(size));
      cursor.crlf("chunk data");
    }
  }

  static long sizeLine(String line) {
    int i = 0;
    while (i < line.length() && hexDigit(line.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new Cursor.Malformed("chunk size line " + Wire.show(line));
    }
    if (i > 16 || (i == 16 && Character.digit(line.charAt(0), 16) > 7)) {
      throw new Cursor.Malformed("chunk size overflows 63 bits: " + Wire.show(line));
    }
    long size = Long.parseLong(line.substring(0, i), 16);
    extensions(line, i);
    return size;
  }

  /** chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ). */
  private static void extensions(String line, int start) {
    int i = start;
    while (i < line.length()) {
      i = bws(line, i);
      if (i >= line.length() || line.charAt(i) != ';') {
        throw new Cursor.Malformed("chunk extension " + Wire.show(line.substring(start)));
      }
      i = bws(line, i + 1);
      int name = i;
      while (i < line.length() && Field.tchar(line.charAt(i))) {
        i++;
      }
      if (i == name) {
        throw new Cursor.Malformed("chunk extension without a name: " + Wire.show(line));
      }
      int afterName = bws(line, i);
      if (afterName < line.length() && line.charAt(afterName) == '=') {
        i = bws(line, afterName + 1);
        i = i < line.length() && line.charAt(i) == '"' ? quoted(line, i) : token(line, i);
      }
    }
  }

  private static int token(String line, int i) {
    int start = i;
    while (i < line.length() && Field.tchar(line.charAt(i))) {
      i++;
    }
    if (i == start) {
      throw new Cursor.Malformed("chunk extension value " + Wire.show(line));
    }
    return i;
  }

  private static int quoted(String line, int i) {
    for (i = i + 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        i++;
        if (i >= line.length() || !qdtextOrPair(line.charAt(i), true)) {
          throw new Cursor.Malformed("quoted pair in chunk extension " + Wire.show(line));
        }
      } else if (!qdtextOrPair(c, false)) {
        throw new Cursor.Malformed("byte " + Wire.hex(c) + " in a quoted chunk extension");
      }
    }
    throw new Cursor.Malformed("unterminated quoted chunk extension " + Wire.show(line));
  }

  private static boolean qdtextOrPair(char c, boolean pair) {
    return c == '\t' || c == ' ' || c >= 0x80 || (Field.vchar(c) && (pair || c != '\\'));
  }

  private static int bws(String line, int i) {
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean hexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
