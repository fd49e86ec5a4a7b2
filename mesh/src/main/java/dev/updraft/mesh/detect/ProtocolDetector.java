package dev.updraft.mesh.detect;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Decides a connection's protocol from its first bytes, as linkerd2-proxy does: a TLS ClientHello,
 * the HTTP/2 preface, an HTTP/1 request line, or else opaque. The input may be hostile, truncated
 * or random: every read is bounds-checked and nothing is consumed.
 */
public final class ProtocolDetector {
  /** Beyond this many bytes without a decision, the connection is opaque (Linkerd: 8 KiB). */
  public static final int MAX_PEEK = 8 * 1024;

  private static final byte[] H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_METHOD = 24;
  private static final String[] METHODS = {
    "GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "
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
    Detection h1 = requestLine(in, start, length);
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
   * {@code METHOD SP request-target SP HTTP/1.x CRLF}, with a token method. A standard method
   * followed by the start of a request target is enough: a request line longer than the peek window
   * is then the HTTP codec's to reject (414), not silently turned into opaque TCP.
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
    i++;
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
