package dev.updraft.mesh.http;

import dev.updraft.mesh.config.MatchConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Tests a request against a route's match: host, path (exact, prefix, regex), method, headers. */
public final class RouteMatcher {
  private final List<String> hosts;
  private final String path;
  private final String prefix;
  private final Pattern regex;
  private final String method;
  private final Map<String, String> headers;

  public RouteMatcher(MatchConfig match) {
    this.hosts = match.hosts();
    this.path = match.path();
    this.prefix = match.pathPrefix() == null ? null : stripSlash(match.pathPrefix());
    this.regex = match.pathRegex() == null ? null : Pattern.compile(match.pathRegex());
    this.method = match.method();
    this.headers = match.headers();
  }

  public boolean matches(HttpRequest request) {
    if (method != null && !method.equals(request.method().name())) {
      return false;
    }
    if (!hosts.isEmpty() && !hostMatches(request.headers().get(HttpHeaderNames.HOST))) {
      return false;
    }
    if (path != null || prefix != null || regex != null) {
      String p = pathOf(request.uri());
      if (path != null && !path.equals(p)) {
        return false;
      }
      if (prefix != null
          && !(p.equals(prefix)
              || prefix.isEmpty()
              || p.startsWith(prefix)
                  && p.length() > prefix.length()
                  && p.charAt(prefix.length()) == '/')) {
        return false;
      }
      if (regex != null && !regex.matcher(p).matches()) {
        return false;
      }
    }
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (!header.getValue().equals(request.headers().get(header.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private boolean hostMatches(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    for (String pattern : hosts) {
      if (pattern.startsWith("*.")
          ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
          : pattern.equals(host)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The path of a request target: origin-form without the query, or the path of an absolute URI.
   */
  static String pathOf(String uri) {
    String target = uri;
    int scheme = target.indexOf("://");
    if (scheme > 0) {
      int slash = target.indexOf('/', scheme + 3);
      target = slash < 0 ? "/" : target.substring(slash);
    }
    int query = target.indexOf('?');
    if (query >= 0) {
      target = target.substring(0, query);
    }
    int fragment = target.indexOf('#');
    return fragment >= 0 ? target.substring(0, fragment) : target;
  }

  private static String stripSlash(String prefix) {
    return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }
}
