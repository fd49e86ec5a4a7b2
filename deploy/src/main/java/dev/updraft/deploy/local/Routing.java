package dev.updraft.deploy.local;

import dev.updraft.mesh.config.BackendConfig;
import dev.updraft.mesh.config.BreakerConfig;
import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.config.MatchConfig;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.RouteConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.config.WeightedBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What the supervisor's embedded mesh proxy serves: a stable service address per application (like
 * a Kubernetes Service) balancing over its instances, and the routers' entry points. The engine
 * sends this whole table; the supervisor turns it into a mesh configuration and reloads.
 *
 * @param services application name to (service port, instance endpoints)
 * @param routers router name to (port, hosts, path prefix to application)
 * @param environment the environment's name, which names its mesh identities (null: the name of the
 *     supervisor's directory)
 */
public record Routing(
    Map<String, ServiceEntry> services, Map<String, RouterEntry> routers, String environment) {
  public Routing(Map<String, ServiceEntry> services, Map<String, RouterEntry> routers) {
    this(services, routers, null);
  }

  /**
   * An application's stable port, its instances' {@code host:port}s, the loopback ports on which
   * its instances reach the applications they call ({@code ${svc.url}}, through the mesh with this
   * application's identity), and who may call it ({@link LocalMesh}; null: the environment's
   * services and routers).
   */
  public record ServiceEntry(
      int port, List<String> endpoints, Map<String, Integer> outbound, List<String> allow) {
    public ServiceEntry {
      outbound = outbound == null ? Map.of() : Map.copyOf(outbound);
      allow = allow == null ? null : List.copyOf(allow);
    }

    public ServiceEntry(int port, List<String> endpoints) {
      this(port, endpoints, null, null);
    }
  }

  /**
   * Where the proxy reaches an application's instances, and the mesh identity they must present
   * (null: plaintext).
   */
  record Hop(List<String> endpoints, String identity) {}

  /**
   * A router's port, host names, path prefixes to applications (longest first), and how long it
   * waits on an instance that sends nothing (null: {@link #DEFAULT_TIMEOUT}).
   */
  public record RouterEntry(
      int port, List<String> hosts, Map<String, String> routes, Long timeoutMillis) {
    public RouterEntry(int port, List<String> hosts, Map<String, String> routes) {
      this(port, hosts, routes, null);
    }

    Duration timeout() {
      return timeoutMillis == null ? DEFAULT_TIMEOUT : Duration.ofMillis(timeoutMillis);
    }
  }

  /**
   * How long a route waits while an instance sends nothing, before the response and between its
   * bytes: Heroku's router's 30 s to the first byte, measured as nginx's {@code proxy_read_timeout}
   * and HAProxy's {@code timeout server} are (inactivity, so a long download or stream that keeps
   * sending is not cut). The service addresses use it too.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Consecutive failures (5xx, resets, timeouts) that eject an instance: Envoy's outlier detection
   * default, below the mesh's 7 because a timed-out request is not retried and each one is a
   * client's error. It returns after a probe succeeds (backoff 1 s doubling to 60 s).
   */
  static final BreakerConfig EJECTION = new BreakerConfig(5, null, null, null);

  /** Connection failures and gateway errors are retried on another instance (twice at most). */
  static final RetryConfig RETRY =
      new RetryConfig(2, List.of("gateway-error"), List.of(), true, null);

  public static final Routing EMPTY = new Routing(Map.of(), Map.of());

  /** The name of the mesh listener that serves router {@code name} (errors name it). */
  public static String routerListener(String name) {
    return "router-" + name;
  }

  /**
   * The mesh configuration: routes retry connection failures and gateway errors, and time out an
   * instance that sends nothing; instances that fail in a row are ejected (passive health).
   */
  MeshConfig toMesh(HostPort admin) {
    return toMesh(admin, (name, entry) -> new Hop(entry.endpoints(), null));
  }

  /** The mesh configuration, reaching each application's instances through {@code hops}. */
  MeshConfig toMesh(HostPort admin, BiFunction<String, ServiceEntry, Hop> hops) {
    List<ListenerConfig> listeners = new ArrayList<>();
    List<BackendConfig> backends = new ArrayList<>();
    RetryConfig retry = RETRY;
    services.forEach(
        (name, entry) -> {
          if (entry.endpoints().isEmpty()) {
            return;
          }
          backends.add(backend(name, hops.apply(name, entry)));
          listeners.add(
              new ListenerConfig(
                  "service-" + name,
                  new HostPort("127.0.0.1", entry.port()),
                  ListenerConfig.Mode.EXPLICIT,
                  ListenerConfig.Direction.INBOUND,
                  null,
                  List.of(route(name, "/", name, List.of(), retry, DEFAULT_TIMEOUT))));
        });
    routers.forEach(
        (name, router) -> {
          List<RouteConfig> routes = new ArrayList<>();
          router.routes().entrySet().stream()
              .sorted((a, b) -> b.getKey().length() - a.getKey().length())
              .filter(
                  r ->
                      services.containsKey(r.getValue())
                          && !services.get(r.getValue()).endpoints().isEmpty())
              .forEach(
                  r ->
                      routes.add(
                          route(
                              name + r.getKey(),
                              r.getKey(),
                              r.getValue(),
                              router.hosts(),
                              retry,
                              router.timeout())));
          // A router none of whose services has an instance (while they are being removed, say)
          // is not served: a listener needs a route.
          if (!routes.isEmpty()) {
            listeners.add(
                new ListenerConfig(
                    routerListener(name),
                    new HostPort("0.0.0.0", router.port()),
                    ListenerConfig.Mode.EXPLICIT,
                    ListenerConfig.Direction.INBOUND,
                    null,
                    routes));
          }
        });
    return new MeshConfig(
        admin,
        1,
        List.of(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        false,
        listeners,
        backends,
        null);
  }

  /**
   * An application's instances as a backend: connections time out after 10 s, and instances that
   * fail in a row are ejected (passive health).
   */
  static BackendConfig backend(String name, Hop hop) {
    return new BackendConfig(
        name,
        hop.endpoints().stream().map(e -> HostPort.parse(name, e)).toList(),
        null,
        null,
        Duration.ofSeconds(10),
        null,
        null,
        EJECTION,
        null,
        hop.identity());
  }

  static RouteConfig route(
      String name,
      String prefix,
      String backend,
      List<String> hosts,
      RetryConfig retry,
      Duration timeout) {
    // Idle, not request: a timed-out exchange is not retried (it may have had effects), and a
    // response that keeps sending is never cut.
    return new RouteConfig(
        name.replaceAll("[^A-Za-z0-9._-]", "-"),
        new MatchConfig(hosts.isEmpty() ? null : hosts, null, prefix, null, null, null),
        List.of(new WeightedBackend(backend, 1)),
        new TimeoutConfig(null, null, timeout),
        retry);
  }
}
