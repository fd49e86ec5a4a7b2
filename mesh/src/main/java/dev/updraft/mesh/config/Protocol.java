package dev.updraft.mesh.config;

/** How the proxy speaks to a backend's endpoints. */
public enum Protocol {
  /** HTTP/1.1, except gRPC requests, which need HTTP/2 end to end. */
  HTTP1,
  /** HTTP/2 with prior knowledge (h2c), one connection per endpoint and event loop. */
  HTTP2,
  /** The protocol the client used. */
  PRESERVE
}
