package dev.updraft.mesh.policy;

import dev.updraft.mesh.config.AuthorizationConfig;
import dev.updraft.mesh.config.Cidr;
import dev.updraft.mesh.transport.PeerIdentity;
import java.net.InetAddress;
import java.util.List;

/**
 * One rule that admits traffic: Linkerd's {@code Authorization{networks, authentication}} plus the
 * routes an HTTPRoute-level AuthorizationPolicy covers.
 *
 * @param kind {@code default} or {@code authorizationpolicy}, for metrics
 * @param name for metrics
 * @param identities allowed client identities ({@code *}, {@code *.suffix}, exact), or null when
 *     unauthenticated clients are allowed
 * @param networks allowed client networks, or null for any
 * @param routes the requests it covers, or null for every request and TCP connections
 */
record Authorization(
    String kind,
    String name,
    List<String> identities,
    List<Cidr> networks,
    List<AuthorizationConfig.RouteMatchConfig> routes) {
  static final Authorization ALLOW_ALL =
      new Authorization("default", "all-unauthenticated", null, null, null);

  static Authorization of(AuthorizationConfig config) {
    return new Authorization(
        "authorizationpolicy",
        config.name(),
        config.meshTLS(),
        config.networks() == null
            ? null
            : config.networks().stream().map(n -> Cidr.parse("networks", n)).toList(),
        config.routes());
  }

  /** Whether this rule admits a client (its address and what TLS told about it). */
  boolean admits(InetAddress client, PeerIdentity peer) {
    if (networks != null
        && (client == null || networks.stream().noneMatch(n -> n.contains(client)))) {
      return false;
    }
    if (identities == null) {
      return true;
    }
    String id = peer.clientId();
    if (id == null) {
      return false;
    }
    for (String allowed : identities) {
      if (allowed.equals("*")
          || allowed.equals(id)
          || (allowed.startsWith("*.") && id.endsWith(allowed.substring(1)))) {
        return true;
      }
    }
    return false;
  }

  /** Whether this rule covers a request (any request when it names no routes). */
  boolean covers(String method, String path) {
    if (routes == null) {
      return true;
    }
    for (AuthorizationConfig.RouteMatchConfig route : routes) {
      if (path.startsWith(route.pathPrefix())
          && (route.methods().isEmpty() || route.methods().contains(method))) {
        return true;
      }
    }
    return false;
  }
}
