package dev.updraft.mesh.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Locale;

/**
 * Strips hop-by-hop headers (RFC 9110 section 7.6.1) before a message crosses the proxy, and sets
 * the framing the next hop needs: the two sides of a proxy are separate connections, possibly of
 * different HTTP versions.
 */
public final class HopByHop {
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

  private HopByHop() {}

  /**
   * Prepares headers for the next hop.
   *
   * @param headers the message's headers, changed in place
   * @param toHttp2 whether the next hop speaks HTTP/2 (which frames messages itself)
   * @param hasBody whether a body follows (false for a message without content)
   * @param keepUpgrade keep Connection/Upgrade (a WebSocket or h2c upgrade being tunnelled)
   */
  public static void prepare(
      HttpHeaders headers, boolean toHttp2, boolean hasBody, boolean keepUpgrade) {
    CharSequence upgrade = keepUpgrade ? headers.get(HttpHeaderNames.UPGRADE) : null;
    String connection = headers.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      // Headers named in Connection are hop-by-hop too.
      for (String token : connection.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
          headers.remove(name);
        }
      }
      headers.remove(HttpHeaderNames.CONNECTION);
    }
    headers.remove(KEEP_ALIVE);
    headers.remove(PROXY_CONNECTION);
    headers.remove(HttpHeaderNames.UPGRADE);
    String te = headers.get(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.TE);
    // "TE: trailers" is end-to-end meaningful for gRPC over HTTP/2.
    if (toHttp2 && te != null && te.toLowerCase(Locale.ROOT).contains("trailers")) {
      headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    boolean chunked =
        headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    headers.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
    headers.remove(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text());
    headers.remove(HttpConversionUtil.ExtensionHeaderNames.PATH.text());
    if (upgrade != null) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, upgrade);
    }
    if (!toHttp2
        && (hasBody || chunked)
        && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && upgrade == null) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
  }
}
