package dev.updraft.mesh.edge;

import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * Netty's HTTP/1 codecs with every check it offers turned on, whatever the JVM's system properties
 * say: CRLF line endings only (a bare LF or CR is an error), validated field names and values, one
 * Content-Length, no Content-Length beside Transfer-Encoding, no Transfer-Encoding before HTTP/1.1
 * (RFC 9112). The limits are HAProxy's: a request line over 8 KiB is answered with 414, a head over
 * 16 KiB with 431.
 */
public final class Http1Codecs {
  /** The longest request line (and chunk-size line, which Netty bounds the same way). */
  public static final int MAX_LINE = 8 * 1024;

  /** The largest header section, request or response. */
  public static final int MAX_HEAD = 16 * 1024;

  private static final int MAX_CHUNK = 16 * 1024;

  private Http1Codecs() {}

  /** The codec for a client connection (see {@link Http1ServerCodec}). */
  public static Http1ServerCodec server() {
    return new Http1ServerCodec(config());
  }

  /** The codec for a connection to a backend (see {@link Http1ClientCodec}). */
  public static Http1ClientCodec client() {
    return new Http1ClientCodec(config());
  }

  private static HttpDecoderConfig config() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_LINE)
        .setMaxHeaderSize(MAX_HEAD)
        .setMaxChunkSize(MAX_CHUNK)
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true)
        .setAllowDuplicateContentLengths(false)
        .setValidateHeaders(true);
  }
}
