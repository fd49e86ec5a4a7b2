package dev.updraft.mesh.detect;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Decides a connection's protocol from its first bytes, as linkerd2-proxy does: a TLS ClientHello,
 * the HTTP/2 preface, an HTTP/1 request, or else opaque. The input may be hostile, truncated or
 * random: every read is bounds-checked and nothing is consumed.
 *
 * <p>A first line meant as an HTTP/1 request line is HTTP/1 even when it is malformed, and the HTTP
 * codec then refuses it with 400: falling back to opaque TCP would forward it to the backend
 * unchecked, past every HTTP rule and route of the proxy (Linkerd's detection is strict the same
 * way: only what does not look like HTTP is opaque). After optional blank lines, a line is meant as
 * HTTP/1 when
 *
 * <ul>
 *   <li>it starts with a method (a token) and whitespace, then a request target's start: {@code /}
 *       or {@code *}; for a known method also {@code http://} or {@code https://}, and an authority
 *       after CONNECT;
 *   <li>or it ends like a request line, in whitespace and {@code HTTP/DIGIT.DIGIT} (any case), what
 *       precedes it notwithstanding ({@code G(T / HTTP/1.1});
 *   <li>or it starts with a known method and whitespace and holds a control character.
 * </ul>
 *
 * A plain text line such as Redis's inline {@code GET key} or memcached's {@code get key} is none
 * of these and stays opaque; so do binary protocols, decided at their first control byte.
 */
public final class ProtocolDetector {
  /** Beyond this many bytes without a decision, the connection is opaque (Linkerd: 8 KiB). */
  public static final int MAX_PEEK = 8 * 1024;

  private static final byte[] H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_METHOD = 24;
  private static final int VERSION_LENGTH = "HTTP/1.1".length();
  private static final String[] SCHEMES = {"http://", "https://"};
  private static final String[] METHODS = {
    "GET ",
    "POST ",
    "PUT ",
    "DELETE ",
    "HEAD ",
    "OPTIONS ",
    "PATCH ",
    "CONNECT ",
    "TRACE ",
    "QUERY "
  };

  private ProtocolDetector() {}

  public static Detection detect(ByteBuf in) {
    int start = in.readerIndex();
    int length = in.readableBytes();
    if (length == 0) {
      return Detection.NEED_MORE;
    }
    if (in.getByte(start) == 0x16) {
      return TlsClientHello.detect(in);
    }
    Detection h2 = preface(in, start, length);
    if (h2 != null) {
      return h2;
    }
    // Empty lines may precede a request line (RFC 9112 section 2.2), and the HTTP codec skips
    // blanks before the method too: what follows them decides, or they would pass as opaque bytes.
    int skip = 0;
    while (skip < length && skip < MAX_PEEK && blank(in.getByte(start + skip))) {
      skip++;
    }
    if (skip == length) {
      return length >= MAX_PEEK ? Detection.OPAQUE : Detection.NEED_MORE;
    }
    Detection h1 = requestLine(in, start + skip, length - skip);
    if (h1 == Detection.NEED_MORE && length >= MAX_PEEK) {
      return Detection.OPAQUE;
    }
    return h1;
  }

  private static Detection preface(ByteBuf in, int start, int length) {
    int n = Math.min(length, H2_PREFACE.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(start + i) != H2_PREFACE[i]) {
        return null;
      }
    }
    // "PRI " could still be an HTTP/1 method; only the full preface means HTTP/2.
    return n == H2_PREFACE.length ? Detection.HTTP2 : Detection.NEED_MORE;
  }

  /**
   * What the detect timeout decides for the bytes received so far: HTTP/1 when they are the start
   * of a request (a slow client then meets the request head timeout and a 408), opaque when they
   * are nothing (a server-speaks-first protocol) or do not look like HTTP.
   */
  public static Detection onTimeout(ByteBuf in) {
    Detection now = detect(in);
    if (!(now instanceof Detection.NeedMore)) {
      return now;
    }
    int start = in.readerIndex();
    int length = in.readableBytes();
    for (String method : METHODS) {
      int n = Math.min(length, method.length());
      boolean prefix = n > 0;
      for (int i = 0; i < n && prefix; i++) {
        prefix = in.getByte(start + i) == method.charAt(i);
      }
      if (prefix) {
        return Detection.HTTP1;
      }
    }
    return Detection.OPAQUE;
  }

  /**
   * Whether the first line is meant as an HTTP/1 request line; see the class comment for the rule.
   * What is HTTP/1 is then the codec's to check (400, or 414 for a line longer than the peek
   * window), never silently turned into opaque TCP.
   */
  private static Detection requestLine(ByteBuf in, int start, int length) {
    int end = start + Math.min(length, MAX_PEEK);
    int i = start;
    while (i < end && isTokenChar(in.getByte(i))) {
      i++;
    }
    int methodLength = i - start;
    boolean known = false;
    if (i < end && methodLength > 0 && methodLength <= MAX_METHOD && whitespace(in.getByte(i))) {
      String method = knownMethod(in, start, methodLength);
      known = method != null;
      while (i < end && whitespace(in.getByte(i))) {
        i++;
      }
      if (i == end) {
        return Detection.NEED_MORE;
      }
      Detection target = target(in, i, end, method);
      if (target != null) {
        return target;
      }
    }
    return lineEnd(in, start, end, known);
  }

  /**
   * What the first bytes of a request target say: HTTP/1 for {@code /} or {@code *} and, after a
   * known method, for an absolute URI ({@code http://}, {@code https://}) or, after CONNECT, an
   * authority; more is needed while the input could still become {@code http://}; null when it is
   * no target's start.
   */
  private static Detection target(ByteBuf in, int i, int end, String knownMethod) {
    byte first = in.getByte(i);
    if (first == '/' || first == '*') {
      return Detection.HTTP1;
    }
    if (knownMethod == null) {
      return null;
    }
    if (knownMethod.equals("CONNECT ") && (letterOrDigit(first) || first == '[')) {
      return Detection.HTTP1;
    }
    for (String scheme : SCHEMES) {
      int n = Math.min(end - i, scheme.length());
      boolean prefix = true;
      for (int k = 0; k < n && prefix; k++) {
        prefix = Character.toLowerCase(in.getByte(i + k)) == scheme.charAt(k);
      }
      if (prefix) {
        return n == scheme.length() ? Detection.HTTP1 : Detection.NEED_MORE;
      }
    }
    return null;
  }

  /**
   * The first line read to its end: HTTP/1 when it ends in an HTTP version ({@code SP
   * HTTP/DIGIT.DIGIT}, any case, before CRLF or LF), whatever precedes it; also when it began with
   * a known method and a space and holds a control character, which no text command of another
   * protocol does. A control character ends a line that began otherwise at once: binary protocols
   * are opaque without waiting for a line end that may never come.
   */
  private static Detection lineEnd(ByteBuf in, int start, int end, boolean knownMethod) {
    for (int i = start; i < end; i++) {
      byte b = in.getByte(i);
      if (b == '\n') {
        return endsInVersion(in, start, i) ? Detection.HTTP1 : Detection.OPAQUE;
      }
      if (b == '\r' && i + 1 < end && in.getByte(i + 1) == '\n') {
        continue;
      }
      if (b == '\r' && i + 1 == end) {
        return Detection.NEED_MORE;
      }
      if (b < 0x20 && b != '\t' || b == 0x7f) {
        return knownMethod ? Detection.HTTP1 : Detection.OPAQUE;
      }
    }
    return Detection.NEED_MORE;
  }

  private static boolean endsInVersion(ByteBuf in, int start, int lf) {
    int e = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    int v = e - VERSION_LENGTH;
    if (v - 1 <= start || !whitespace(in.getByte(v - 1))) {
      return false;
    }
    for (int k = 0; k < 5; k++) {
      if (Character.toUpperCase(in.getByte(v + k)) != "HTTP/".charAt(k)) {
        return false;
      }
    }
    return digit(in.getByte(v + 5)) && in.getByte(v + 6) == '.' && digit(in.getByte(v + 7));
  }

  /** The known method (with its trailing space) that {@code in[start, start + length)} is. */
  private static String knownMethod(ByteBuf in, int start, int length) {
    for (String method : METHODS) {
      if (method.length() - 1 == length) {
        boolean match = true;
        for (int i = 0; i < length && match; i++) {
          match = in.getByte(start + i) == method.charAt(i);
        }
        if (match) {
          return method;
        }
      }
    }
    return null;
  }

  private static boolean whitespace(byte b) {
    return b == ' ' || b == '\t';
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static boolean letterOrDigit(byte b) {
    return digit(b) || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
  }

  private static boolean blank(byte b) {
    return b == '\r' || b == '\n' || b == ' ' || b == '\t';
  }

  private static boolean isTokenChar(byte b) {
    if (b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9') {
      return true;
    }
    return switch (b) {
      case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
      default -> false;
    };
  }
}
