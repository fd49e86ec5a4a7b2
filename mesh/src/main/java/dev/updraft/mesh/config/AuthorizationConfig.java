package dev.updraft.mesh.config;

import java.util.List;

/**
 * Linkerd's {@code AuthorizationPolicy} with its required authentications inline: who (a {@code
 * MeshTLSAuthentication}'s identities), from where (a {@code NetworkAuthentication}'s networks),
 * and optionally for which requests (HTTPRoute-level: path prefixes and methods). An authorization
 * with routes admits HTTP requests only; opaque TCP needs one without.
 *
 * @param name the {@code authz_name} metric label
 * @param meshTLS identities allowed: exact names, {@code *.suffix} or {@code *} (any authenticated
 *     client); absent means unauthenticated clients are allowed too
 * @param networks client networks allowed; absent means any
 * @param routes requests this authorization covers; absent means all
 */
public record AuthorizationConfig(
    String name, List<String> meshTLS, List<String> networks, List<RouteMatchConfig> routes) {
  public AuthorizationConfig {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new MeshConfigException(
          "authorizations[].name: \"" + name + "\" (expected: letters, digits, '.', '_' or '-')");
    }
    if (meshTLS != null) {
      meshTLS = List.copyOf(meshTLS);
      if (meshTLS.isEmpty()) {
        throw new MeshConfigException(
            "authorizations[" + name + "].meshTLS: empty (expected: identities, or \"*\" for any)");
      }
      for (String id : meshTLS) {
        if (id == null
            || id.isBlank()
            || (id.contains("*") && !id.equals("*") && !id.startsWith("*."))
            || id.indexOf('*', 1) >= 0) {
          throw new MeshConfigException(
              "authorizations["
                  + name
                  + "].meshTLS: \""
                  + id
                  + "\" (expected: an identity, *.suffix or *)");
        }
      }
    }
    networks = networks == null ? null : List.copyOf(networks);
    if (networks != null) {
      for (String n : networks) {
        Cidr.parse("authorizations[" + name + "].networks", n);
      }
    }
    routes = routes == null ? null : List.copyOf(routes);
  }

  /** A route-level authorization: path prefix and methods (any when absent). */
  public record RouteMatchConfig(String pathPrefix, List<String> methods) {
    public RouteMatchConfig {
      if (pathPrefix == null || !pathPrefix.startsWith("/")) {
        throw new MeshConfigException(
            "routes[].pathPrefix: \"" + pathPrefix + "\" (expected: a path starting with /)");
      }
      methods = methods == null ? List.of() : List.copyOf(methods);
    }
  }
}
