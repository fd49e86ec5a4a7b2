package dev.updraft.mesh.detect;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Decides a connection's protocol from its first bytes, as linkerd2-proxy does: a TLS ClientHello,
 * the HTTP/2 preface, an HTTP/1 request, or else opaque. The input may be hostile, truncated or
 * random: every read is bounds-checked and nothing is consumed.
 *
 * <p>A request that starts like HTTP/1 (a known method and a space, or any token, a space and the
 * start of a path) is HTTP/1 even when the rest of its line is malformed: the HTTP codec then
 * refuses it with 400. Falling back to opaque TCP for it would forward a malformed request to the
 * backend unchecked, past every HTTP rule and route of the proxy (Linkerd's detection is strict the
 * same way: only what does not look like HTTP at all is opaque).
 */
public final class ProtocolDetector {
  /** Beyond this many bytes without a decision, the connection is opaque (Linkerd: 8 KiB). */
  public static final int MAX_PEEK = 8 * 1024;

  private static final byte[] H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_METHOD = 24;
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
   * {@code METHOD SP request-target SP HTTP/1.x CRLF}, with a token method, or enough of its start
   * to know it is meant as HTTP: a known method and a space, or a token, a space and {@code /} or
   * {@code *}. What follows is then the HTTP codec's to check (400, or 414 for a line longer than
   * the peek window), not silently turned into opaque TCP.
   */
  private static Detection requestLine(ByteBuf in, int start, int length) {
    if (knownMethodAndTarget(in, start, length)) {
      return Detection.HTTP1;
    }
    int end = start + Math.min(length, MAX_PEEK);
    int i = start;
    while (i < end && isTokenChar(in.getByte(i))) {
      i++;
    }
    int methodLength = i - start;
    if (i == end) {
      return methodLength <= MAX_METHOD ? Detection.NEED_MORE : Detection.OPAQUE;
    }
    if (methodLength == 0 || methodLength > MAX_METHOD || in.getByte(i) != ' ') {
      return Detection.OPAQUE;
    }
    if (knownMethod(in, start, methodLength)) {
      return Detection.HTTP1;
    }
    i++;
    if (i == end) {
      return Detection.NEED_MORE;
    }
    if (in.getByte(i) == '/' || in.getByte(i) == '*') {
      return Detection.HTTP1;
    }
    int targetStart = i;
    while (i < end && in.getByte(i) != ' ') {
      byte b = in.getByte(i);
      if (b < 0x21 || b == 0x7f) {
        return Detection.OPAQUE;
      }
      i++;
    }
    if (i == end) {
      return Detection.NEED_MORE;
    }
    if (i == targetStart) {
      return Detection.OPAQUE;
    }
    i++;
    byte[] version = {'H', 'T', 'T', 'P', '/', '1', '.'};
    for (byte expected : version) {
      if (i == end) {
        return Detection.NEED_MORE;
      }
      if (in.getByte(i++) != expected) {
        return Detection.OPAQUE;
      }
    }
    if (i == end) {
      return Detection.NEED_MORE;
    }
    byte minor = in.getByte(i++);
    if (minor != '0' && minor != '1') {
      return Detection.OPAQUE;
    }
    if (i == end) {
      return Detection.NEED_MORE;
    }
    byte cr = in.getByte(i++);
    if (cr == '\n') {
      return Detection.HTTP1;
    }
    if (cr != '\r') {
      return Detection.OPAQUE;
    }
    if (i == end) {
      return Detection.NEED_MORE;
    }
    return in.getByte(i) == '\n' ? Detection.HTTP1 : Detection.OPAQUE;
  }

  private static boolean knownMethod(ByteBuf in, int start, int length) {
    for (String method : METHODS) {
      if (method.length() - 1 == length) {
        boolean match = true;
        for (int i = 0; i < length && match; i++) {
          match = in.getByte(start + i) == method.charAt(i);
        }
        if (match) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean knownMethodAndTarget(ByteBuf in, int start, int length) {
    for (String method : METHODS) {
      int n = method.length();
      if (length <= n) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < n && match; i++) {
        match = in.getByte(start + i) == method.charAt(i);
      }
      byte target = in.getByte(start + n);
      if (match && (target == '/' || target == '*' || Character.isLetterOrDigit(target))) {
        // Short input gets the full request-line check; 64+ bytes of this shape can only be HTTP.
        return length > 64;
      }
    }
    return false;
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
