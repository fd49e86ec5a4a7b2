package dev.updraft.mesh.conformance;

import java.nio.charset.StandardCharsets;

/**
 * Reads lines and byte runs from a buffer for the strict readers. It never guesses: a line ends at
 * CRLF and nowhere else, so a bare LF or a bare CR is an error rather than a line break.
 */
final class Cursor {
  /** The bytes do not form a valid message; {@code getMessage()} says where and why. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** The bytes so far are a valid prefix: more are needed to finish the message. */
  static final class Incomplete extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("StaticAssignmentOfThrowable") // a marker, never thrown for its trace
    static final Incomplete INSTANCE = new Incomplete();

    private Incomplete() {
      super("incomplete", null, false, false);
    }
  }

  private final byte[] data;
  private int pos;

  Cursor(byte[] data, int pos) {
    this.data = data;
    this.pos = pos;
  }

  int pos() {
    return pos;
  }

  boolean atEnd() {
    return pos >= data.length;
  }

  int remaining() {
    return data.length - pos;
  }

  /** Whether the bytes left agree with {@code prefix} as far as both go. */
  boolean agreesWith(String prefix) {
    for (int i = 0; i < prefix.length() && pos + i < data.length; i++) {
      if (data[pos + i] != (byte) prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The next byte, which must exist. */
  char peek() {
    return (char) (data[pos] & 0xff);
  }

  /** The next line without its CRLF, as ISO-8859-1 text (one char per byte). */
  String line() {
    for (int i = pos; i < data.length; i++) {
      byte b = data[i];
      if (b == '\n') {
        throw new Malformed("bare LF at offset " + i);
      }
      if (b == '\r') {
        if (i + 1 >= data.length) {
          throw Incomplete.INSTANCE;
        }
        if (data[i + 1] != '\n') {
          throw new Malformed("bare CR at offset " + i);
        }
        String line = new String(data, pos, i - pos, StandardCharsets.ISO_8859_1);
        pos = i + 2;
        return line;
      }
    }
    throw Incomplete.INSTANCE;
  }

  /** The next {@code n} bytes. */
  byte[] take(long n) {
    if (n > remaining()) {
      throw Incomplete.INSTANCE;
    }
    byte[] out = new byte[(int) n];
    System.arraycopy(data, pos, out, 0, (int) n);
    pos += (int) n;
    return out;
  }

  /** Everything left. */
  byte[] rest() {
    return take(remaining());
  }

  /** Requires CRLF next, as after chunk data. */
  void crlf(String after) {
    if (remaining() < 2) {
      if (remaining() == 1 && data[pos] != '\r') {
        throw new Malformed(after + " not followed by CRLF at offset " + pos);
      }
      throw Incomplete.INSTANCE;
    }
    if (data[pos] != '\r' || data[pos + 1] != '\n') {
      throw new Malformed(after + " not followed by CRLF at offset " + pos);
    }
    pos += 2;
  }
}
