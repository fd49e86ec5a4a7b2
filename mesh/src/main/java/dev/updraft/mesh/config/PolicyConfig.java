package dev.updraft.mesh.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Inbound authorization, with Linkerd's concepts: a port without a {@link ServerPolicyConfig}
 * follows the default policy; a port with one admits only what one of its authorizations allows.
 *
 * @param defaultPolicy for ports no server covers (all-unauthenticated, as Linkerd's Helm default)
 * @param clusterNetworks what the cluster-* policies count as inside (Linkerd's Helm default)
 * @param servers per-port policies
 */
public record PolicyConfig(
    DefaultPolicy defaultPolicy, List<String> clusterNetworks, List<ServerPolicyConfig> servers) {
  public static final List<String> DEFAULT_CLUSTER_NETWORKS =
      List.of("10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8");

  /** Linkerd's default inbound policies. */
  public enum DefaultPolicy {
    ALL_UNAUTHENTICATED,
    ALL_AUTHENTICATED,
    CLUSTER_AUTHENTICATED,
    CLUSTER_UNAUTHENTICATED,
    DENY;

    @JsonValue
    public String text() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static DefaultPolicy parse(String text) {
      for (DefaultPolicy p : values()) {
        if (p.text().equals(text)) {
          return p;
        }
      }
      throw new MeshConfigException(
          "defaultPolicy: \""
              + text
              + "\" (expected: all-unauthenticated, all-authenticated, cluster-authenticated,"
              + " cluster-unauthenticated or deny)");
    }
  }

  public static final PolicyConfig DEFAULT = new PolicyConfig(null, null, null);

  public PolicyConfig {
    defaultPolicy = defaultPolicy == null ? DefaultPolicy.ALL_UNAUTHENTICATED : defaultPolicy;
    clusterNetworks =
        clusterNetworks == null ? DEFAULT_CLUSTER_NETWORKS : List.copyOf(clusterNetworks);
    for (String network : clusterNetworks) {
      Cidr.parse("policy.clusterNetworks", network);
    }
    servers = servers == null ? List.of() : List.copyOf(servers);
    Set<Integer> ports = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (ServerPolicyConfig server : servers) {
      if (!ports.add(server.port())) {
        throw new MeshConfigException(
            "policy.servers["
                + server.name()
                + "].port: "
                + server.port()
                + " (expected: one server per port)");
      }
      if (!names.add(server.name())) {
        throw new MeshConfigException(
            "policy.servers: \"" + server.name() + "\" defined twice (expected: unique names)");
      }
    }
  }

  public List<Cidr> clusterCidrs() {
    return clusterNetworks.stream().map(n -> Cidr.parse("policy.clusterNetworks", n)).toList();
  }
}
