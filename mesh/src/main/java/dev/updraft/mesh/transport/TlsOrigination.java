package dev.updraft.mesh.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;

/** Makes the TLS handler of a new connection to a meshed endpoint. */
@FunctionalInterface
public interface TlsOrigination {
  /**
   * A client TLS handler towards {@code peer}, offering {@code alpn} ({@code h2}, {@code http/1.1},
   * or nothing when null, for opaque TCP).
   */
  SslHandler handler(ByteBufAllocator alloc, InetSocketAddress peer, String alpn);
}
