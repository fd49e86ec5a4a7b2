package dev.updraft.mesh.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Linkerd's {@code Server}: one inbound port, the authorizations that admit traffic to it (none
 * means nothing is admitted), and its local rate limit.
 *
 * @param name the {@code srv_name} metric label
 * @param port the port clients dialled (a listener's own port, or a transparent target's)
 * @param authorizations AuthorizationPolicies targeting this server, or its routes
 * @param rateLimit HTTPLocalRateLimitPolicy for this server, or none
 */
public record ServerPolicyConfig(
    String name,
    Integer port,
    List<AuthorizationConfig> authorizations,
    RateLimitConfig rateLimit) {
  public ServerPolicyConfig {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new MeshConfigException(
          "policy.servers[].name: \"" + name + "\" (expected: letters, digits, '.', '_' or '-')");
    }
    if (port == null || port < 1 || port > 65535) {
      throw new MeshConfigException(
          "policy.servers[" + name + "].port: " + port + " (expected: 1..65535)");
    }
    authorizations = authorizations == null ? List.of() : List.copyOf(authorizations);
    Set<String> names = new HashSet<>();
    for (AuthorizationConfig a : authorizations) {
      if (!names.add(a.name())) {
        throw new MeshConfigException(
            "policy.servers["
                + name
                + "].authorizations: \""
                + a.name()
                + "\" defined twice (expected: unique names)");
      }
    }
  }
}
