package dev.updraft.mesh.edge;

/**
 * The syntax of {@code uri-host [":" port]} (RFC 3986 section 3.2), as it appears in a Host header
 * and in an absolute or authority-form request target, and the comparison of two authorities.
 */
final class Authority {
  private Authority() {}

  /** Whether {@code text} is a valid {@code uri-host [":" port]}; the empty text is valid. */
  static boolean valid(String text) {
    int end = text.length();
    int i = 0;
    if (i < end && text.charAt(0) == '[') {
      int close = text.indexOf(']');
      if (close < 2) {
        return false;
      }
      for (i = 1; i < close; i++) {
        char c = text.charAt(i);
        if (!(hex(c) || c == ':' || c == '.' || c == 'v' || c == 'V' || unreserved(c))) {
          return false;
        }
      }
      i = close + 1;
    } else {
      while (i < end && text.charAt(i) != ':') {
        char c = text.charAt(i);
        if (c == '%') {
          if (i + 2 >= end || !hex(text.charAt(i + 1)) || !hex(text.charAt(i + 2))) {
            return false;
          }
          i += 3;
          continue;
        }
        if (!unreserved(c) && !subDelim(c)) {
          return false;
        }
        i++;
      }
    }
    if (i == end) {
      return true;
    }
    if (text.charAt(i) != ':') {
      return false;
    }
    return port(text, i + 1);
  }

  private static boolean port(String text, int from) {
    int digits = text.length() - from;
    if (digits > 5) {
      return false;
    }
    int value = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + (c - '0');
    }
    return value <= 65535;
  }

  /**
   * Whether two authorities name the same host and port: names compare without case, and a port
   * left out equals the scheme's default one.
   */
  static boolean same(String a, String b, String scheme) {
    return normalize(a, scheme).equalsIgnoreCase(normalize(b, scheme));
  }

  private static String normalize(String authority, String scheme) {
    String defaultPort =
        "https".equalsIgnoreCase(scheme) ? ":443" : "http".equalsIgnoreCase(scheme) ? ":80" : null;
    if (defaultPort != null && authority.endsWith(defaultPort)) {
      return authority.substring(0, authority.length() - defaultPort.length());
    }
    return authority;
  }

  static boolean unreserved(char c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static boolean subDelim(char c) {
    return switch (c) {
      case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=' -> true;
      default -> false;
    };
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
