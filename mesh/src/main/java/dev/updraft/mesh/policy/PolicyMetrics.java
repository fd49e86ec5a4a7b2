package dev.updraft.mesh.policy;

import dev.updraft.mesh.metrics.Counter;
import dev.updraft.mesh.metrics.Family;
import dev.updraft.mesh.metrics.MetricsRegistry;
import dev.updraft.mesh.transport.PeerIdentity;
import java.util.Locale;

/**
 * Linkerd's authorization and rate-limit families ({@code inbound/src/metrics/authz.rs}), with the
 * server, authorization and TLS labels ({@code tls}, {@code client_id}, {@code no_tls_reason}).
 */
public final class PolicyMetrics {
  private final Family<Counter> httpAllow;
  private final Family<Counter> httpDeny;
  private final Family<Counter> tcpAllow;
  private final Family<Counter> tcpDeny;
  private final Family<Counter> rateLimited;

  public PolicyMetrics(MetricsRegistry registry) {
    String[] allow = {
      "srv_kind", "srv_name", "authz_kind", "authz_name", "tls", "client_id", "no_tls_reason"
    };
    String[] deny = {"srv_kind", "srv_name", "tls", "client_id", "no_tls_reason"};
    httpAllow =
        registry.counter("inbound_http_authz_allow_total", "HTTP requests authorized.", allow);
    httpDeny = registry.counter("inbound_http_authz_deny_total", "HTTP requests denied.", deny);
    tcpAllow =
        registry.counter("inbound_tcp_authz_allow_total", "TCP connections authorized.", allow);
    tcpDeny = registry.counter("inbound_tcp_authz_deny_total", "TCP connections denied.", deny);
    rateLimited =
        registry.counter(
            "inbound_http_local_ratelimit_total",
            "HTTP requests refused by a local rate limit.",
            "srv_kind",
            "srv_name",
            "rate_limit",
            "tls",
            "client_id",
            "no_tls_reason");
  }

  void httpAllow(PortPolicy server, Authorization a, PeerIdentity peer) {
    httpAllow.labels(allowLabels(server, a, peer)).inc();
  }

  void tcpAllow(PortPolicy server, Authorization a, PeerIdentity peer) {
    tcpAllow.labels(allowLabels(server, a, peer)).inc();
  }

  void httpDeny(PortPolicy server, PeerIdentity peer) {
    httpDeny.labels(denyLabels(server, peer)).inc();
  }

  void tcpDeny(PortPolicy server, PeerIdentity peer) {
    tcpDeny.labels(denyLabels(server, peer)).inc();
  }

  void rateLimited(PortPolicy server, RateLimiter.Limit limit, PeerIdentity peer) {
    rateLimited
        .labels(
            server.serverKind(),
            server.serverName(),
            limit.name().toLowerCase(Locale.ROOT),
            peer.tlsLabel(),
            peer.clientIdLabel(),
            peer.noTlsReasonLabel())
        .inc();
  }

  private static String[] allowLabels(PortPolicy server, Authorization a, PeerIdentity peer) {
    return new String[] {
      server.serverKind(),
      server.serverName(),
      a.kind(),
      a.name(),
      peer.tlsLabel(),
      peer.clientIdLabel(),
      peer.noTlsReasonLabel()
    };
  }

  private static String[] denyLabels(PortPolicy server, PeerIdentity peer) {
    return new String[] {
      server.serverKind(),
      server.serverName(),
      peer.tlsLabel(),
      peer.clientIdLabel(),
      peer.noTlsReasonLabel()
    };
  }
}
