package dev.updraft.mesh.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.List;

/**
 * What RFC 9113 section 8.3.1 asks of an HTTP/2 request's pseudo-header values and Host, beyond the
 * presence and placement checks of Netty's HTTP/2 decoder.
 */
public final class H2RequestRules {
  private H2RequestRules() {}

  /** What makes these request headers malformed, or null when nothing does. */
  public static String problem(Http2Headers headers) {
    CharSequence method = headers.method();
    if (method == null || !Syntax.token(method)) {
      return ":method: " + method + " (expected: a token)";
    }
    CharSequence authority = headers.authority();
    if (authority != null
        && (authority.toString().contains("@") || !Authority.valid(authority.toString()))) {
      return ":authority: " + authority + " (expected: host[:port])";
    }
    CharSequence scheme = headers.scheme();
    boolean connect = "CONNECT".contentEquals(method) && headers.get(":protocol") == null;
    if (!connect) {
      CharSequence path = headers.path();
      if (path == null || !path(path, "OPTIONS".contentEquals(method))) {
        return ":path: " + path + " (expected: /path, or * for OPTIONS)";
      }
      if (scheme == null || !Syntax.scheme(scheme, scheme.length())) {
        return ":scheme: " + scheme + " (expected: a URI scheme)";
      }
    }
    List<CharSequence> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return "host: " + hosts.size() + " fields (expected: at most one)";
    }
    if (!hosts.isEmpty()) {
      String host = hosts.getFirst().toString();
      if (!Authority.valid(host)
          || authority != null
              && !Authority.same(
                  host, authority.toString(), scheme == null ? null : scheme.toString())) {
        return "host: " + host + " (expected: the :authority " + authority + ")";
      }
    }
    return null;
  }

  private static boolean path(CharSequence path, boolean options) {
    if (path.length() == 1 && path.charAt(0) == '*') {
      return options;
    }
    return path.length() > 0 && path.charAt(0) == '/' && Syntax.badTargetChar(path) < 0;
  }
}
