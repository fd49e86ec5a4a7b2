package dev.updraft.console;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * Who may use the console and which POSTs are real. On loopback anyone on this machine may (as with
 * {@code updraft deploy}), but only under a loopback host name, so a web page cannot reach it by
 * rebinding its own name to 127.0.0.1. Anywhere else a request needs the token: in a cookie set
 * after the first visit with {@code ?token=}, or as {@code Authorization: Bearer}. Every POST
 * carries the console's CSRF token in a form field (a page on another origin cannot read it) and,
 * when the browser sends one, an {@code Origin} of the console itself.
 */
final class Access {
  static final String COOKIE = "updraft_console";

  /** What to do with a request. */
  sealed interface Verdict {
    /** Serve it. */
    record Allow() implements Verdict {}

    /** The token came in the query: set the cookie and send the browser to {@code location}. */
    record SetCookie(String location) implements Verdict {}

    /** Refuse it with {@code status} and a one-line reason. */
    record Deny(int status, String reason) implements Verdict {}
  }

  private final boolean loopback;
  private final String token;
  private final String csrf;

  /**
   * @param token the access token; required off loopback
   */
  Access(InetSocketAddress listen, String token) {
    this.loopback = listen.getAddress().isLoopbackAddress();
    if (!loopback && (token == null || token.isBlank())) {
      throw new IllegalArgumentException(
          "token: none (expected: a token when listening on " + listen + ", not loopback)");
    }
    this.token = token;
    this.csrf = ConsoleToken.random();
  }

  boolean loopback() {
    return loopback;
  }

  String csrf() {
    return csrf;
  }

  String token() {
    return token;
  }

  Verdict check(FullHttpRequest request) {
    if (loopback) {
      return loopbackHost(request.headers().get(HttpHeaderNames.HOST))
          ? new Verdict.Allow()
          : new Verdict.Deny(403, "Host: expected a loopback name (127.0.0.1, localhost, [::1])");
    }
    if (same(bearer(request)) || same(cookie(request))) {
      return new Verdict.Allow();
    }
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    List<String> given = query.parameters().get("token");
    if (given != null && same(given.getFirst())) {
      return new Verdict.SetCookie(query.path());
    }
    return new Verdict.Deny(
        401, "a token is required: open the URL that updraft console printed, with ?token=");
  }

  /** Whether a POST's form field and origin show it came from a console page. */
  boolean csrfValid(String field, FullHttpRequest request) {
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (origin != null) {
      try {
        String host = URI.create(origin).getAuthority();
        if (host == null || !host.equalsIgnoreCase(request.headers().get(HttpHeaderNames.HOST))) {
          return false;
        }
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return field != null && equal(field, csrf);
  }

  private boolean same(String candidate) {
    return candidate != null && token != null && equal(candidate, token);
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String bearer(FullHttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).strip()
        : null;
  }

  private static String cookie(FullHttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.COOKIE);
    if (header == null) {
      return null;
    }
    for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
      if (c.name().equals(COOKIE)) {
        return c.value();
      }
    }
    return null;
  }

  static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    String name = h.startsWith("[") ? h.substring(0, h.indexOf(']') + 1) : h.split(":")[0];
    return name.equals("localhost") || name.equals("[::1]") || name.startsWith("127.");
  }
}
