package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.DatabaseEngine;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code ${service.attribute}} means on the kubernetes target: in-cluster DNS names of the
 * services' Service objects, their ports, and a database's credentials. The same values serve an
 * apply and a dry run, so both render the same manifests.
 */
final class Attributes {
  /** The port of applications and containers that do not name one. */
  static final int DEFAULT_PORT = 8080;

  static final int POSTGRES_PORT = 5432;
  static final int REDIS_PORT = 6379;
  static final String POSTGRES_USER = "postgres";

  private Attributes() {}

  static String host(EnvironmentSpec spec, String service) {
    return service + "." + spec.namespace() + ".svc";
  }

  /** The port a service's pods listen on and its Service exposes. */
  static int port(Service service) {
    Integer port =
        switch (service) {
          case Service.Application a -> a.port();
          case Service.Container c -> c.port();
          case Service.Database d ->
              d.engine() == DatabaseEngine.POSTGRES ? POSTGRES_PORT : REDIS_PORT;
          case Service.Router r -> 80;
          case Service.Job j -> null;
        };
    return port == null ? DEFAULT_PORT : port;
  }

  /**
   * The attributes of a database, application, container or router ({@code password} is the
   * database's, null otherwise). Jobs have outputs instead, known once they ran.
   */
  static Map<String, String> of(EnvironmentSpec spec, Service service, String password) {
    Map<String, String> attributes = new LinkedHashMap<>();
    String host = host(spec, service.name());
    int port = port(service);
    switch (service) {
      case Service.Database d when d.engine() == DatabaseEngine.POSTGRES -> {
        put(attributes, host, port);
        attributes.put("user", POSTGRES_USER);
        attributes.put("password", password);
        attributes.put("database", d.name());
        attributes.put(
            "url",
            "postgresql://"
                + POSTGRES_USER
                + ":"
                + password
                + "@"
                + host
                + ":"
                + port
                + "/"
                + d.name());
      }
      case Service.Database d -> {
        put(attributes, host, port);
        attributes.put("url", "redis://" + host + ":" + port);
      }
      case Service.Router r -> {
        String external = r.hosts().isEmpty() ? "" : r.hosts().getFirst();
        attributes.put("host", external);
        attributes.put("port", Integer.toString(port));
        attributes.put("url", external.isEmpty() ? "" : "http://" + external + "/");
      }
      case Service.Job j -> {}
      default -> {
        put(attributes, host, port);
        attributes.put("url", "http://" + host + ":" + port);
      }
    }
    return attributes;
  }

  private static void put(Map<String, String> attributes, String host, int port) {
    attributes.put("host", host);
    attributes.put("port", Integer.toString(port));
  }
}
