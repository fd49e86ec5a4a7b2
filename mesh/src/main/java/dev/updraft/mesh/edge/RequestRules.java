package dev.updraft.mesh.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The rules of RFC 9112 and RFC 9110 that Netty's HTTP/1 decoder does not enforce, checked on a
 * decoded request head before anything of it leaves the proxy. Netty already refuses bare LF and
 * CR, control characters in header values, invalid field names and methods, whitespace before a
 * colon, duplicate or invalid Content-Length, Content-Length with Transfer-Encoding,
 * Transfer-Encoding on HTTP/1.0 and a final coding other than chunked; what is left is the request
 * line, Host, and transfer codings the proxy cannot pass on.
 */
public final class RequestRules {
  private static final int BAD_REQUEST = 400;

  private RequestRules() {}

  /**
   * Checks a decoded request head.
   *
   * @throws EdgeException naming the rule broken, with the status to answer
   */
  public static void check(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    if (version.majorVersion() != 1 || version.minorVersion() > 1) {
      throw new EdgeException(
          505, "unsupported request: version " + version.text() + " (expected: HTTP/1.0 or 1.1)");
    }
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
      // Netty's decoder returns its constants only for the exact bytes; another spelling of the
      // HTTP-name (http/1.1) is a new, upper-cased instance. RFC 9112 §2.3: it is case-sensitive.
      throw bad("version: not HTTP/1.1 or HTTP/1.0 in capitals (the HTTP-name is case-sensitive)");
    }
    HttpHeaders headers = request.headers();
    String authority = target(request.method(), request.uri());
    host(headers.getAll(HttpHeaderNames.HOST), version, authority, request.uri());
    String coding = Syntax.otherThanChunked(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING));
    if (coding != null) {
      throw new EdgeException(
          501, "unsupported request: transfer-encoding: " + coding + " (expected: chunked)");
    }
    connectionOptions(headers.getAll(HttpHeaderNames.CONNECTION));
    if (headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY1)
        || headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY2)) {
      // Netty reads 8 body bytes for this 2010 handshake although no header frames them.
      throw bad("sec-websocket-key1: present (expected: RFC 6455 WebSocket, not draft 76)");
    }
  }

  /** Checks the request target's characters and form; returns its authority, if it has one. */
  private static String target(HttpMethod method, String target) {
    int bad = Syntax.badTargetChar(target);
    if (bad >= 0) {
      throw bad(
          "request target: character 0x"
              + Integer.toHexString(target.charAt(bad))
              + " at "
              + bad
              + " (expected: visible ASCII without '#')");
    }
    if (HttpMethod.CONNECT.equals(method)) {
      if (!target.contains("/") && target.contains(":") && Authority.valid(target)) {
        return target;
      }
      throw bad("request target: " + target + " (expected: host:port for CONNECT)");
    }
    if (target.startsWith("/")) {
      return null;
    }
    if (target.equals("*")) {
      if (HttpMethod.OPTIONS.equals(method)) {
        return null;
      }
      throw bad("request target: * (expected: only with OPTIONS)");
    }
    int colon = target.indexOf("://");
    if (colon > 0 && Syntax.scheme(target, colon)) {
      int start = colon + 3;
      int end = start;
      while (end < target.length() && "/?".indexOf(target.charAt(end)) < 0) {
        end++;
      }
      String authority = target.substring(start, end);
      if (!authority.isEmpty() && !authority.contains("@") && Authority.valid(authority)) {
        return authority;
      }
      throw bad("request target: " + target + " (expected: an absolute URI with a host, no user)");
    }
    throw bad("request target: " + target + " (expected: /path, an absolute URI or *)");
  }

  private static void host(
      List<String> hosts, HttpVersion version, String authority, String target) {
    if (hosts.size() > 1) {
      throw bad("host: " + hosts.size() + " fields (expected: exactly one)");
    }
    if (hosts.isEmpty()) {
      if (version == HttpVersion.HTTP_1_1) {
        throw bad("host: missing (expected: exactly one in HTTP/1.1)");
      }
      return;
    }
    String host = hosts.getFirst();
    if (!Authority.valid(host)) {
      throw bad("host: " + host + " (expected: host[:port])");
    }
    if (authority != null) {
      String scheme = target.contains("://") ? target.substring(0, target.indexOf(':')) : null;
      if (!Authority.same(host, authority, scheme)) {
        throw bad("host: " + host + " (expected: " + authority + ", as in the request target)");
      }
    }
  }

  /** A Connection option removes the named field on the way: Host must reach the backend. */
  private static void connectionOptions(List<String> fields) {
    for (String field : fields) {
      for (String option : field.split(",", -1)) {
        if (option.strip().equalsIgnoreCase("host")) {
          throw bad("connection: " + field + " (expected: no option naming host)");
        }
      }
    }
  }

  private static EdgeException bad(String message) {
    return new EdgeException(BAD_REQUEST, "malformed request: " + message);
  }
}
