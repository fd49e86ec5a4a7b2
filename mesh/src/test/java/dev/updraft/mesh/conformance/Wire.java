package dev.updraft.mesh.conformance;

import java.nio.charset.StandardCharsets;

/** Bytes as cases write them (ISO-8859-1 text, one char per byte) and as reports show them. */
final class Wire {
  private Wire() {}

  static byte[] bytes(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xff) {
        throw new IllegalArgumentException(
            "case text: char " + (int) text.charAt(i) + " at " + i + " (expected: <= 0xff)");
      }
    }
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** Escapes CR, LF, tabs and every byte outside printable ASCII, and cuts long text. */
  static String show(String s) {
    return show(s, 160);
  }

  static String show(String s, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < max; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            out.append(hex(c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (out.length() >= max) {
      out.setLength(max);
      out.append("... (").append(s.length()).append(" bytes)");
    }
    return out.toString();
  }

  static String show(byte[] bytes, int max) {
    return show(text(bytes), max);
  }

  static String hex(char c) {
    return String.format("\\x%02x", (int) c);
  }
}
