package dev.updraft.mesh.policy;

import dev.updraft.mesh.config.Cidr;
import dev.updraft.mesh.config.PolicyConfig;
import dev.updraft.mesh.config.ServerPolicyConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The proxy's inbound policy: a {@link PortPolicy} per configured server port, and the default
 * policy for every other port (Linkerd's {@code all-unauthenticated}, {@code all-authenticated},
 * {@code cluster-authenticated}, {@code cluster-unauthenticated} or {@code deny}).
 */
public final class InboundPolicy {
  private final Map<Integer, PortPolicy> servers = new HashMap<>();
  private final PortPolicy fallback;

  public InboundPolicy(PolicyConfig config, PolicyMetrics metrics, LongSupplier clock) {
    for (ServerPolicyConfig server : config.servers()) {
      List<Authorization> rules = server.authorizations().stream().map(Authorization::of).toList();
      RateLimiter limiter =
          server.rateLimit() == null ? null : new RateLimiter(server.rateLimit(), clock);
      servers.put(server.port(), new PortPolicy("server", server.name(), rules, limiter, metrics));
    }
    this.fallback =
        new PortPolicy(
            "default",
            config.defaultPolicy().text(),
            defaults(config.defaultPolicy(), config.clusterCidrs()),
            null,
            metrics);
  }

  /** The policy of connections to {@code port}. */
  public PortPolicy forPort(int port) {
    return servers.getOrDefault(port, fallback);
  }

  private static List<Authorization> defaults(
      PolicyConfig.DefaultPolicy policy, List<Cidr> cluster) {
    String name = policy.text();
    List<String> anyIdentity = List.of("*");
    return switch (policy) {
      case ALL_UNAUTHENTICATED -> List.of(Authorization.ALLOW_ALL);
      case ALL_AUTHENTICATED ->
          List.of(new Authorization("default", name, anyIdentity, null, null));
      case CLUSTER_AUTHENTICATED ->
          List.of(new Authorization("default", name, anyIdentity, cluster, null));
      case CLUSTER_UNAUTHENTICATED ->
          List.of(new Authorization("default", name, null, cluster, null));
      case DENY -> List.<Authorization>of();
    };
  }
}
