package dev.updraft.deploy.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.mesh.config.PolicyConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration file of a service's sidecar, in the form {@code updraft mesh proxy --config}
 * reads ({@code dev.updraft.mesh.config.ConfigFile}): its identity (the pod's projected
 * ServiceAccount token proves it), an inbound listener that terminates mutual TLS and forwards to
 * the service's port over loopback, an outbound listener per server the service references, and the
 * inbound policy: Linkerd's Server, AuthorizationPolicy and MeshTLSAuthentication, inline, with
 * everything else denied. It is the same policy the local target's sidecars enforce.
 */
final class ProxyConfig {
  static final String FILE = "proxy.yaml";
  static final String CONFIG_DIR = "/etc/updraft/mesh";
  static final String TOKEN_DIR = "/var/run/updraft/identity";
  static final String TRUST_DIR = "/var/run/updraft/trust";

  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private ProxyConfig() {}

  /** The YAML text of {@code service}'s sidecar configuration. */
  static String of(EnvironmentSpec spec, Service service) {
    Map<String, Object> config = new LinkedHashMap<>();
    // Bound on every address: the kubelet probes /ready and /live; /shutdown takes loopback only.
    config.put("admin", "0.0.0.0:" + MeshNames.ADMIN_PORT);
    config.put(
        "identity",
        map(
            "name",
            MeshNames.identity(spec, service.name()).dnsName(),
            "url",
            MeshNames.identityUrl(spec),
            "tokenFile",
            TOKEN_DIR + "/token",
            "trustAnchors",
            TRUST_DIR + "/anchors.pem"));
    List<Object> listeners = new ArrayList<>();
    List<Object> backends = new ArrayList<>();
    List<Object> servers = new ArrayList<>();
    if (MeshNames.server(service)) {
      listeners.add(listener("inbound", "0.0.0.0:" + MeshNames.INBOUND_PORT, "inbound", "app"));
      backends.add(
          map("name", "app", "endpoints", List.of("127.0.0.1:" + Attributes.port(service))));
      servers.add(
          map(
              "name", service.name(),
              "port", MeshNames.INBOUND_PORT,
              "authorizations", authorizations(spec, service)));
    }
    MeshNames.outbound(spec, service)
        .forEach(
            (target, port) -> {
              listeners.add(
                  listener("outbound-" + target, "127.0.0.1:" + port, "outbound", target));
              backends.add(
                  map(
                      "name",
                      target,
                      "endpoints",
                      List.of(
                          Attributes.host(spec, target)
                              + ":"
                              + Attributes.port(spec.service(target))),
                      "identity",
                      MeshNames.identity(spec, target).dnsName()));
            });
    config.put("listeners", listeners);
    config.put("backends", backends);
    config.put(
        "policy", map("defaultPolicy", PolicyConfig.DefaultPolicy.DENY.text(), "servers", servers));
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings and numbers always serialize", e);
    }
  }

  /**
   * Who may call {@code service}: the applications its {@code allow:} names and the jobs that
   * reference it (on the local target they come through the supervisor's proxy, which every {@code
   * allow:} admits), or, without {@code allow:}, any identity of the environment. A service a
   * router routes to also admits the ingress controller, which is outside the mesh: plaintext from
   * the cluster's networks.
   */
  private static List<Object> authorizations(EnvironmentSpec spec, Service service) {
    List<String> allow = service instanceof Service.Application a ? a.allow() : null;
    Set<String> callers = new LinkedHashSet<>();
    if (allow == null) {
      callers.add(
          "*."
              + spec.namespace()
              + ".serviceaccount.identity."
              + MeshNames.CONTROL
              + "."
              + MeshNames.TRUST_DOMAIN);
    } else {
      allow.forEach(name -> callers.add(MeshNames.identity(spec, name).dnsName()));
      for (Service.Job job : spec.all(Service.Job.class)) {
        if (MeshNames.outbound(spec, job).containsKey(service.name())) {
          callers.add(MeshNames.identity(spec, job.name()).dnsName());
        }
      }
    }
    List<Object> authorizations = new ArrayList<>();
    authorizations.add(map("name", "allow", "meshTLS", List.copyOf(callers)));
    boolean routed =
        spec.all(Service.Router.class).stream()
            .anyMatch(r -> r.routes().stream().anyMatch(x -> x.service().equals(service.name())));
    if (routed) {
      authorizations.add(map("name", "ingress", "networks", PolicyConfig.DEFAULT_CLUSTER_NETWORKS));
    }
    return authorizations;
  }

  private static Map<String, Object> listener(
      String name, String address, String direction, String backend) {
    return map(
        "name",
        name,
        "address",
        address,
        "mode",
        "explicit",
        "direction",
        direction,
        "backend",
        backend);
  }

  private static Map<String, Object> map(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
