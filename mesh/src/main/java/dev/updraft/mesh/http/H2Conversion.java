package dev.updraft.mesh.http;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * Header conversion between an HTTP/2 stream and the HTTP/1-shaped messages of the stack, with the
 * results of Netty's {@code HttpConversionUtil} but without its per-message extras: it tags every
 * request with {@code x-http2-stream-id} and {@code x-http2-scheme} headers (which {@link HopByHop}
 * strips again before the request leaves), builds a map of the names listed in {@code Connection}
 * for every response even when there is none, and copies every response header name to lower case.
 * Here a response's common names map to shared lower-case constants, and what is rare (a {@code
 * Connection}, {@code TE} or {@code Cookie} field in a response) goes to Netty's code as before.
 */
final class H2Conversion {
  // Response header names seen on most responses, lower case; a name is looked up by its
  // case-insensitive hash (AsciiString's), so "Content-Type" finds "content-type".
  private static final AsciiString[] COMMON = new AsciiString[128];

  static {
    for (AsciiString name :
        new AsciiString[] {
          HttpHeaderNames.DATE,
          HttpHeaderNames.SERVER,
          HttpHeaderNames.CONTENT_TYPE,
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.CONTENT_ENCODING,
          HttpHeaderNames.CACHE_CONTROL,
          HttpHeaderNames.ETAG,
          HttpHeaderNames.LAST_MODIFIED,
          HttpHeaderNames.EXPIRES,
          HttpHeaderNames.VARY,
          HttpHeaderNames.LOCATION,
          HttpHeaderNames.SET_COOKIE,
          HttpHeaderNames.ACCEPT_RANGES,
          HttpHeaderNames.AGE,
          HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN,
          AsciiString.cached("strict-transport-security"),
          HttpHeaderNames.X_FRAME_OPTIONS,
          AsciiString.cached("x-content-type-options"),
          AsciiString.cached("grpc-status"),
          AsciiString.cached("grpc-message"),
          AsciiString.cached("l5d-proxy-error")
        }) {
      int slot = name.hashCode() & (COMMON.length - 1);
      if (COMMON[slot] == null) {
        COMMON[slot] = name; // a name whose slot is taken is lowered each time instead
      }
    }
  }

  private H2Conversion() {}

  /**
   * A request's head from its HEADERS: method, target (the {@code :authority} of a CONNECT), a Host
   * from {@code :authority}, the other fields as they came, cookies joined into one field.
   */
  static HttpRequest request(int id, Http2Headers headers) throws Http2Exception {
    CharSequence method = headers.method();
    boolean connect = HttpMethod.CONNECT.asciiName().contentEqualsIgnoreCase(method);
    CharSequence target = connect ? headers.authority() : headers.path();
    if (method == null || target == null) {
      throw Http2Exception.streamError(
          id,
          Http2Error.PROTOCOL_ERROR,
          "%s missing (expected: :method, and :path or a CONNECT's :authority)",
          method == null ? ":method" : connect ? ":authority" : ":path");
    }
    HttpRequest request =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(method.toString()),
            target.toString(),
            DefaultHttpHeadersFactory.headersFactory());
    HttpHeaders out = request.headers();
    // RFC 9113 section 8.3.1: with :authority the Host is made from it; a host field beside it
    // (checked to agree at the edge) would be a second Host, which backends refuse.
    boolean hasAuthority = headers.authority() != null;
    StringBuilder cookies = null;
    for (Map.Entry<CharSequence, CharSequence> field : headers) {
      CharSequence name = field.getKey();
      CharSequence value = field.getValue();
      if (name.length() > 0 && name.charAt(0) == ':') {
        if (Http2Headers.PseudoHeaderName.AUTHORITY.value().contentEquals(name)) {
          out.add(HttpHeaderNames.HOST, AsciiString.of(value));
        } else if (!Http2Headers.PseudoHeaderName.isPseudoHeader(name)) {
          throw Http2Exception.streamError(
              id, Http2Error.PROTOCOL_ERROR, "%s (expected: a defined pseudo-header)", name);
        }
      } else if (name.length() == 0) {
        throw Http2Exception.streamError(
            id, Http2Error.PROTOCOL_ERROR, "an empty field name (expected: a token)");
      } else if (HttpHeaderNames.COOKIE.contentEquals(name)) {
        // RFC 9113 section 8.2.3: one HTTP/1.1 Cookie field, the crumbs joined by "; ".
        if (cookies == null) {
          cookies = new StringBuilder(value.length());
        } else {
          cookies.append("; ");
        }
        cookies.append(value);
      } else if (!HttpHeaderNames.TRANSFER_ENCODING.contentEquals(name)
          && !HttpHeaderNames.TRAILER.contentEquals(name)
          && !HttpHeaderNames.CONNECTION.contentEquals(name)
          && !(hasAuthority && HttpHeaderNames.HOST.contentEqualsIgnoreCase(name))) {
        out.add(name, value);
      }
    }
    if (cookies != null) {
      out.add(HttpHeaderNames.COOKIE, cookies.toString());
    }
    return request;
  }

  /**
   * A response head's HTTP/2 headers: {@code :status} and its fields, connection-specific ones not.
   */
  static Http2Headers response(HttpResponse head) {
    HttpHeaders in = head.headers();
    Http2Headers out = new DefaultHttp2Headers(true, in.size() + 1);
    out.status(head.status().codeAsText());
    if (!fields(in, out)) {
      return HttpConversionUtil.toHttp2Headers(head, true);
    }
    return out;
  }

  /** Trailers as HTTP/2 headers, connection-specific fields not. */
  static Http2Headers trailers(HttpHeaders in) {
    Http2Headers out = new DefaultHttp2Headers(true, in.size());
    if (!fields(in, out)) {
      out = new DefaultHttp2Headers(true, in.size());
      HttpConversionUtil.toHttp2Headers(in, out);
    }
    return out;
  }

  /**
   * Copies the fields with lower-case names, without those HTTP/2 forbids; false (and {@code out}
   * partly filled) at a field only Netty's conversion handles: Connection, TE, Cookie.
   */
  private static boolean fields(HttpHeaders in, Http2Headers out) {
    Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> field = it.next();
      AsciiString name = lower(field.getKey());
      if (name.contentEquals(HttpHeaderNames.CONNECTION)
          || name.contentEquals(HttpHeaderNames.TE)
          || name.contentEquals(HttpHeaderNames.COOKIE)) {
        return false;
      }
      if (!forbidden(name)) {
        out.add(name, field.getValue());
      }
    }
    return true;
  }

  // What HttpConversionUtil leaves out of HTTP/2 besides Connection and the names it lists.
  @SuppressWarnings("deprecation") // KEEP_ALIVE and PROXY_CONNECTION: names to drop, not to send
  private static boolean forbidden(AsciiString name) {
    return name.contentEquals(HttpHeaderNames.KEEP_ALIVE)
        || name.contentEquals(HttpHeaderNames.PROXY_CONNECTION)
        || name.contentEquals(HttpHeaderNames.TRANSFER_ENCODING)
        || name.contentEquals(HttpHeaderNames.HOST)
        || name.contentEquals(HttpHeaderNames.UPGRADE)
        || name.contentEquals(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text())
        || name.contentEquals(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text())
        || name.contentEquals(HttpConversionUtil.ExtensionHeaderNames.PATH.text());
  }

  static AsciiString lower(CharSequence name) {
    AsciiString ascii = AsciiString.of(name);
    AsciiString common = COMMON[ascii.hashCode() & (COMMON.length - 1)];
    if (common != null && common.contentEqualsIgnoreCase(ascii)) {
      return common;
    }
    return ascii.toLowerCase();
  }
}
