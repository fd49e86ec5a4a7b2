package dev.updraft.mesh.detect;

/** What the first bytes of a connection revealed. */
public sealed interface Detection {
  /** An HTTP/1.x request line. */
  record Http1() implements Detection {}

  /** The HTTP/2 connection preface (prior knowledge, h2c). */
  record Http2() implements Detection {}

  /**
   * A TLS ClientHello, passed through untouched for now.
   *
   * @param sni the server name the client asked for, or null when it sent none
   */
  record Tls(String sni) implements Detection {}

  /** Anything else: forwarded as opaque TCP. */
  record Opaque() implements Detection {}

  /** Not enough bytes yet to decide. */
  record NeedMore() implements Detection {}

  Detection HTTP1 = new Http1();
  Detection HTTP2 = new Http2();
  Detection OPAQUE = new Opaque();
  Detection NEED_MORE = new NeedMore();
}
