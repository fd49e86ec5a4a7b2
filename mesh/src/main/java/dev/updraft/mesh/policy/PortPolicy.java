package dev.updraft.mesh.policy;

import dev.updraft.mesh.transport.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The policy of one inbound port (Linkerd's {@code ServerPolicy}): its authorizations and rate
 * limit, with the metrics its decisions move. A connection carries its port from accept on, and
 * each request is judged by the port's policy in force when it arrives: a reload that narrows a
 * policy applies to connections already open, as Linkerd's proxies apply a policy update (the
 * deploy engine's {@code allow:} must stop a caller whose pooled connection was admitted before).
 */
public final class PortPolicy {
  static final AttributeKey<Supplier<PortPolicy>> KEY = AttributeKey.valueOf("updraft.port-policy");

  private final String serverKind;
  private final String serverName;
  private final List<Authorization> authorizations;
  private final RateLimiter rateLimiter;
  private final PolicyMetrics metrics;

  PortPolicy(
      String serverKind,
      String serverName,
      List<Authorization> authorizations,
      RateLimiter rateLimiter,
      PolicyMetrics metrics) {
    this.serverKind = serverKind;
    this.serverName = serverName;
    this.authorizations = List.copyOf(authorizations);
    this.rateLimiter = rateLimiter;
    this.metrics = metrics;
  }

  /** The policy in force for {@code channel}'s connection, or null (outbound traffic). */
  public static PortPolicy of(Channel channel) {
    Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
    Supplier<PortPolicy> current = connection.attr(KEY).get();
    return current == null ? null : current.get();
  }

  /** Binds an accepted connection to its port's policy, {@code current} at each look. */
  public static void attach(Channel connection, Supplier<PortPolicy> current) {
    connection.attr(KEY).set(current);
  }

  /**
   * Whether an opaque TCP connection may proceed: an authorization without routes must admit it.
   * Counts {@code inbound_tcp_authz_allow_total} or {@code _deny_total}.
   */
  public boolean admitTcp(Channel connection) {
    PeerIdentity peer = PeerIdentity.of(connection);
    InetAddress client = address(connection);
    for (Authorization a : authorizations) {
      if (a.routes() == null && a.admits(client, peer)) {
        metrics.tcpAllow(this, a, peer);
        return true;
      }
    }
    metrics.tcpDeny(this, peer);
    return false;
  }

  /**
   * The verdict on one HTTP request: an authorization that covers the request and admits the
   * client, then the rate limit. Counts the authz and rate-limit metrics.
   */
  public Verdict admitHttp(Channel connection, String method, String path) {
    PeerIdentity peer = PeerIdentity.of(connection);
    InetAddress client = address(connection);
    for (Authorization a : authorizations) {
      if (a.covers(method, path) && a.admits(client, peer)) {
        metrics.httpAllow(this, a, peer);
        if (rateLimiter != null) {
          RateLimiter.Limit exceeded = rateLimiter.check(peer.clientId());
          if (exceeded != null) {
            metrics.rateLimited(this, exceeded, peer);
            return new Verdict.RateLimited(exceeded.name().toLowerCase(Locale.ROOT));
          }
        }
        return new Verdict.Allow(a.kind(), a.name());
      }
    }
    metrics.httpDeny(this, peer);
    return new Verdict.Deny(
        "unauthorized request on server "
            + serverName
            + (peer.clientId() == null ? "" : " from " + peer.clientId()));
  }

  String serverKind() {
    return serverKind;
  }

  String serverName() {
    return serverName;
  }

  private static InetAddress address(Channel connection) {
    Channel c = connection instanceof Http2StreamChannel ? connection.parent() : connection;
    return c.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }
}
