package dev.updraft.mesh.edge;

/** Character classes of RFC 9110 and RFC 3986 that request targets, methods and schemes use. */
final class Syntax {
  private Syntax() {}

  /** A method or field name: {@code 1*tchar}. */
  static boolean token(CharSequence text) {
    if (text.length() == 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!tchar(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean tchar(int c) {
    return letter(c) || digit(c) || c < 0x7f && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** {@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )} in {@code text[0, end)}. */
  static boolean scheme(CharSequence text, int end) {
    if (end == 0 || !letter(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < end; i++) {
      char c = text.charAt(i);
      if (!(letter(c) || digit(c) || c == '+' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The index of the first character a request target may not hold, or -1: HAProxy's rule of
   * visible ASCII only (no controls, spaces or bytes above 0x7e), and no fragment.
   */
  static int badTargetChar(CharSequence target) {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '#') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The first Transfer-Encoding field naming a coding other than chunked, or null. The proxy
   * re-frames every body as chunked, so any other coding would be dropped on the way.
   */
  static String otherThanChunked(Iterable<String> transferEncodings) {
    for (String field : transferEncodings) {
      for (String coding : field.split(",", -1)) {
        String name = coding.strip();
        if (!name.isEmpty() && !name.equalsIgnoreCase("chunked")) {
          return field;
        }
      }
    }
    return null;
  }

  static boolean letter(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  static boolean digit(int c) {
    return c >= '0' && c <= '9';
  }
}
