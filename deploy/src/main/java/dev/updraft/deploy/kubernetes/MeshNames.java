package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import dev.updraft.mesh.identity.WorkloadName;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Who is meshed on the kubernetes target, the names they carry and the ports their sidecars use.
 * Applications, containers and jobs get a sidecar (databases stay outside the mesh, as on the local
 * target); each has a ServiceAccount of its name, so its identity is {@code
 * <service>.<namespace>.serviceaccount.identity.updraft.cluster.local}: the same as on the local
 * target, where the environment is the namespace.
 */
final class MeshNames {
  /** The control-plane part of identities: updraft's, as Linkerd's is {@code linkerd}. */
  static final String CONTROL = "updraft";

  static final String TRUST_DOMAIN = "cluster.local";

  /** The identity service's Deployment, Service, ServiceAccount and authority Secret. */
  static final String IDENTITY = "updraft-identity";

  /** The ConfigMap of the trust bundle every proxy checks peers against (Linkerd's name). */
  static final String TRUST_ROOTS = "updraft-identity-trust-roots";

  static final int IDENTITY_PORT = 8080;

  /**
   * Linkerd's inbound and admin ports; outbound listeners take ports from {@code OUTBOUND} on. The
   * spec check refuses them as a meshed service's own port ({@code SpecChecks.meshPort}).
   */
  static final int INBOUND_PORT = 4143;

  static final int ADMIN_PORT = 4191;
  static final int OUTBOUND = 4150;

  private MeshNames() {}

  static boolean meshed(Service service) {
    return switch (service) {
      case Service.Application a -> true;
      case Service.Container c -> true;
      case Service.Job j -> true;
      case Service.Database d -> false;
      case Service.Router r -> false;
    };
  }

  /** Whether the environment runs anything meshed, and so needs the identity service. */
  static boolean any(EnvironmentSpec spec) {
    return spec.services().values().stream().anyMatch(MeshNames::meshed);
  }

  /** A service that accepts meshed connections: its Service leads to its sidecar's inbound port. */
  static boolean server(Service service) {
    return service instanceof Service.Application || service instanceof Service.Container;
  }

  static WorkloadName identity(EnvironmentSpec spec, String service) {
    return new WorkloadName(service, spec.namespace(), CONTROL, TRUST_DOMAIN);
  }

  /** The identity service's Certify URL, which its certificate names by identity, not host. */
  static String identityUrl(EnvironmentSpec spec) {
    return "https://" + IDENTITY + "." + spec.namespace() + ".svc:" + IDENTITY_PORT;
  }

  /**
   * The servers {@code caller} references, each with the loopback port of its sidecar's outbound
   * listener for it: ports follow the names' order, so they are the same on every render.
   */
  static Map<String, Integer> outbound(EnvironmentSpec spec, Service caller) {
    Map<String, Integer> ports = new TreeMap<>();
    if (!meshed(caller)) {
      return ports;
    }
    for (String value : dev.updraft.deploy.apply.Dependencies.env(caller).values()) {
      for (Reference ref : Reference.in(value)) {
        Service target = spec.service(ref.service());
        if (ref.service() != null
            && target != null
            && server(target)
            && !ref.service().equals(caller.name())) {
          ports.put(ref.service(), 0);
        }
      }
    }
    int port = OUTBOUND;
    for (String target : List.copyOf(ports.keySet())) {
      ports.put(target, port++);
    }
    return ports;
  }

  /**
   * {@code ${target.url}}, {@code .host} and {@code .port} in a meshed caller's variables: its own
   * sidecar's outbound listener for the target, which originates mutual TLS with the caller's
   * identity (as on the local target); every other reference resolves through {@code plain}.
   */
  static String resolve(
      EnvironmentSpec spec, Service caller, Reference ref, Function<Reference, String> plain) {
    Integer port = ref.service() == null ? null : outbound(spec, caller).get(ref.service());
    if (port == null) {
      return plain.apply(ref);
    }
    return switch (ref.attribute()) {
      case "url" -> "http://127.0.0.1:" + port;
      case "host" -> "127.0.0.1";
      case "port" -> Integer.toString(port);
      default -> plain.apply(ref);
    };
  }

  /**
   * {@code service}'s variables with references resolved, through its sidecar where meshed; {@code
   * plain} gets the variable's name and the reference.
   */
  static Map<String, String> env(
      EnvironmentSpec spec, Service service, BiFunction<String, Reference, String> plain) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    dev.updraft.deploy.apply.Dependencies.env(service)
        .forEach(
            (key, value) ->
                env.put(
                    key,
                    Reference.substitute(
                        value, ref -> resolve(spec, service, ref, r -> plain.apply(key, r)))));
    return env;
  }
}
