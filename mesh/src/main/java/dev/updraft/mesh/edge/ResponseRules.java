package dev.updraft.mesh.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What a decoded response head must satisfy before the proxy relays it, whichever protocol brought
 * it (the status line's syntax is {@link Http1ClientCodec}'s to check): a status the client can
 * classify, a reason phrase without control characters, and no transfer coding but chunked (the
 * proxy re-frames bodies, so another coding would be lost on the way).
 */
public final class ResponseRules {
  private static final int BAD_GATEWAY = 502;

  private ResponseRules() {}

  /**
   * Checks a decoded response head.
   *
   * @throws EdgeException (502) naming the rule broken
   */
  public static void check(HttpResponse response) {
    int code = response.status().code();
    if (code < 100 || code > 599) {
      throw bad("status: " + code + " (expected: 100..599)");
    }
    String reason = response.status().reasonPhrase();
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw bad("reason phrase: control character 0x" + Integer.toHexString(c));
      }
    }
    String coding =
        Syntax.otherThanChunked(response.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING));
    if (coding != null) {
      throw bad("transfer-encoding: " + coding + " (expected: chunked only)");
    }
  }

  private static EdgeException bad(String message) {
    return new EdgeException(BAD_GATEWAY, "malformed response: " + message);
  }
}
