package dev.updraft.mesh.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The whole proxy configuration, validated: every route names an existing backend, names are
 * unique, and defaults follow Linkerd's.
 *
 * @param admin the admin listener (127.0.0.1:4191)
 * @param eventLoops Netty event loops (half the cores, at least one: see {@link
 *     #defaultEventLoops()})
 * @param opaquePorts destination ports that skip protocol detection (Linkerd's Helm defaults)
 * @param detectTimeout how long to wait for the first bytes before treating a connection as opaque
 *     TCP (10 s)
 * @param shutdownGrace how long in-flight requests may finish on shutdown (120 s)
 * @param accessLog write one JSON line per request to standard output
 * @param listeners the listeners (Linkerd's outbound 127.0.0.1:4140 and inbound 0.0.0.0:4143,
 *     transparent, when absent)
 * @param backends named endpoint sets
 * @param upstreamMark SO_MARK for connections to endpoints (epoll only), so netfilter rules can
 *     exempt the proxy's own traffic from redirection, as Linkerd's proxy UID and Istio's 1337 mark
 *     do; none when absent
 * @param connectionTimeouts request head, keep-alive, request body and pooled-connection timeouts
 * @param identity where the proxy gets its mesh identity; none means no mesh TLS
 * @param policy inbound authorization and rate limits (all-unauthenticated when absent)
 */
public record MeshConfig(
    HostPort admin,
    Integer eventLoops,
    List<Integer> opaquePorts,
    Duration detectTimeout,
    Duration shutdownGrace,
    Boolean accessLog,
    List<ListenerConfig> listeners,
    List<BackendConfig> backends,
    Integer upstreamMark,
    ConnectionTimeouts connectionTimeouts,
    IdentityConfig identity,
    PolicyConfig policy) {
  public static final List<Integer> DEFAULT_OPAQUE_PORTS =
      List.of(25, 587, 3306, 4444, 5432, 6379, 9300, 11211);

  public MeshConfig {
    admin = admin == null ? new HostPort("127.0.0.1", 4191) : admin;
    eventLoops = eventLoops == null ? defaultEventLoops() : eventLoops;
    if (eventLoops < 1 || eventLoops > 256) {
      throw new MeshConfigException("eventLoops: " + eventLoops + " (expected: 1..256)");
    }
    opaquePorts = opaquePorts == null ? DEFAULT_OPAQUE_PORTS : List.copyOf(opaquePorts);
    for (int port : opaquePorts) {
      if (port < 1 || port > 65535) {
        throw new MeshConfigException("opaquePorts: " + port + " (expected: 1..65535)");
      }
    }
    detectTimeout = detectTimeout == null ? Duration.ofSeconds(10) : detectTimeout;
    shutdownGrace = shutdownGrace == null ? Duration.ofMinutes(2) : shutdownGrace;
    if (detectTimeout.isNegative() || detectTimeout.isZero()) {
      throw new MeshConfigException(
          "detectTimeout: " + Durations.format(detectTimeout) + " (expected: > 0)");
    }
    if (shutdownGrace.isNegative()) {
      throw new MeshConfigException(
          "shutdownGrace: " + Durations.format(shutdownGrace) + " (expected: >= 0)");
    }
    accessLog = accessLog != null && accessLog;
    if (upstreamMark != null && upstreamMark <= 0) {
      throw new MeshConfigException("upstreamMark: " + upstreamMark + " (expected: > 0)");
    }
    connectionTimeouts =
        connectionTimeouts == null ? ConnectionTimeouts.DEFAULT : connectionTimeouts;
    policy = policy == null ? PolicyConfig.DEFAULT : policy;
    backends = backends == null ? List.of() : List.copyOf(backends);
    // No listeners given means Linkerd's transparent pair; an empty list means none (a proxy whose
    // listeners are added later by reload, as the deploy engine's router does).
    listeners = listeners == null ? defaultListeners() : List.copyOf(listeners);
    validateReferences(listeners, backends);
  }

  /**
   * Half the cores, at least one. A proxy shares its cores with the application beside it, its
   * clients and the kernel, which does half of the proxy's work (TCP on loopback); with a loop per
   * core the loops preempt each other and everything else. On two shared cores one loop served more
   * requests per CPU second than two (docs/mesh/performance.md); Linkerd's proxy runs one thread
   * unless told otherwise.
   */
  public static int defaultEventLoops() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /** A configuration without identity and with the default policy. */
  public MeshConfig(
      HostPort admin,
      Integer eventLoops,
      List<Integer> opaquePorts,
      Duration detectTimeout,
      Duration shutdownGrace,
      Boolean accessLog,
      List<ListenerConfig> listeners,
      List<BackendConfig> backends,
      Integer upstreamMark,
      ConnectionTimeouts connectionTimeouts) {
    this(
        admin,
        eventLoops,
        opaquePorts,
        detectTimeout,
        shutdownGrace,
        accessLog,
        listeners,
        backends,
        upstreamMark,
        connectionTimeouts,
        null,
        null);
  }

  /** A configuration with the default connection timeouts. */
  public MeshConfig(
      HostPort admin,
      Integer eventLoops,
      List<Integer> opaquePorts,
      Duration detectTimeout,
      Duration shutdownGrace,
      Boolean accessLog,
      List<ListenerConfig> listeners,
      List<BackendConfig> backends,
      Integer upstreamMark) {
    this(
        admin,
        eventLoops,
        opaquePorts,
        detectTimeout,
        shutdownGrace,
        accessLog,
        listeners,
        backends,
        upstreamMark,
        null);
  }

  /** The backend called {@code name}. */
  public BackendConfig backend(String name) {
    return backends.stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new MeshConfigException("backend: \"" + name + "\" (not defined)"));
  }

  private static List<ListenerConfig> defaultListeners() {
    return List.of(
        new ListenerConfig(
            "outbound",
            new HostPort("127.0.0.1", 4140),
            ListenerConfig.Mode.TRANSPARENT,
            ListenerConfig.Direction.OUTBOUND,
            null,
            null),
        new ListenerConfig(
            "inbound",
            new HostPort("0.0.0.0", 4143),
            ListenerConfig.Mode.TRANSPARENT,
            ListenerConfig.Direction.INBOUND,
            null,
            null));
  }

  private static void validateReferences(
      List<ListenerConfig> listeners, List<BackendConfig> backends) {
    Map<String, BackendConfig> byName =
        backends.stream()
            .collect(
                Collectors.toMap(
                    BackendConfig::name,
                    Function.identity(),
                    (a, b) -> {
                      throw new MeshConfigException(
                          "backends: \"" + a.name() + "\" defined twice (expected: unique names)");
                    }));
    Set<String> listenerNames = new HashSet<>();
    for (ListenerConfig listener : listeners) {
      if (!listenerNames.add(listener.name())) {
        throw new MeshConfigException(
            "listeners: \"" + listener.name() + "\" defined twice (expected: unique names)");
      }
      if (listener.backend() != null && !byName.containsKey(listener.backend())) {
        throw new MeshConfigException(
            "listeners["
                + listener.name()
                + "].backend: \""
                + listener.backend()
                + "\" (expected: one of "
                + byName.keySet()
                + ")");
      }
      for (RouteConfig route : listener.routes()) {
        for (WeightedBackend ref : route.backends()) {
          if (!byName.containsKey(ref.name())) {
            throw new MeshConfigException(
                "listeners["
                    + listener.name()
                    + "].routes["
                    + route.name()
                    + "].backends: \""
                    + ref.name()
                    + "\" (expected: one of "
                    + byName.keySet()
                    + ")");
          }
        }
      }
    }
  }
}
