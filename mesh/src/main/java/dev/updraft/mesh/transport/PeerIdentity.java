package dev.updraft.mesh.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;

/**
 * What mesh TLS established about a client connection, for the layers after it (policy, rate
 * limits, metrics): whether the proxy terminated mesh TLS, and the client's identity when it
 * presented a certificate. Plaintext connections carry {@link #PLAINTEXT}.
 *
 * @param tls whether the connection arrived over mesh TLS
 * @param clientId the client's identity (the first DNS or URI SAN of its leaf), or null
 */
public record PeerIdentity(boolean tls, String clientId) {
  public static final AttributeKey<PeerIdentity> KEY = AttributeKey.valueOf("updraft.peer");
  public static final PeerIdentity PLAINTEXT = new PeerIdentity(false, null);

  /** The peer of {@code channel} (an HTTP/2 stream's is its connection's). */
  public static PeerIdentity of(Channel channel) {
    Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
    PeerIdentity peer = connection.attr(KEY).get();
    return peer == null ? PLAINTEXT : peer;
  }

  /** Linkerd's {@code tls} label: true, or no_identity for plaintext. */
  public String tlsLabel() {
    return tls ? "true" : "no_identity";
  }

  /** Linkerd's {@code client_id} label; empty without one. */
  public String clientIdLabel() {
    return clientId == null ? "" : clientId;
  }

  /** Linkerd's {@code no_tls_reason} label; empty over TLS. */
  public String noTlsReasonLabel() {
    return tls ? "" : "no_tls_from_remote";
  }
}
