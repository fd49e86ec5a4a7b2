package dev.updraft.deploy.local;

import dev.updraft.mesh.config.AuthorizationConfig;
import dev.updraft.mesh.config.BackendConfig;
import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.PolicyConfig;
import dev.updraft.mesh.config.RouteConfig;
import dev.updraft.mesh.config.ServerPolicyConfig;
import dev.updraft.mesh.identity.ProxyIdentity;
import dev.updraft.mesh.identity.WorkloadName;
import dev.updraft.mesh.transport.FreePorts;
import dev.updraft.mesh.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every application of the environment in the mesh, with mutual TLS between every hop and nothing
 * to configure. Each application gets a proxy of its own in the supervisor's JVM (its sidecar),
 * with its identity {@code <service>.<environment>.serviceaccount.identity.updraft.cluster.local}:
 * an inbound listener per instance that terminates mTLS, admits the callers the application's
 * {@code allow:} names and forwards over loopback; and an outbound listener per application it
 * calls, on the port its {@code ${svc.url}} names, which originates mTLS with its identity. The
 * routers and service addresses originate mTLS with the supervisor's own identity, {@code
 * updraft-router.<environment>...}.
 */
final class LocalMesh implements AutoCloseable {
  /** The identity of the routers and service addresses (the supervisor's proxy). */
  static final String ROUTER = "updraft-router";

  private final LocalIdentity identity;
  private final Transport transport;
  private final String environment;
  private final Map<String, Sidecar> sidecars = new HashMap<>();
  // instance endpoint (127.0.0.1:port) -> the port of its inbound listener, kept across reloads
  private final Map<String, Integer> inboundPorts = new HashMap<>();
  // service -> (instance endpoint no longer routed to -> when its inbound listener may go)
  private final Map<String, Map<String, Long>> draining = new HashMap<>();
  // service -> the endpoints of the last routing
  private final Map<String, List<String>> routed = new HashMap<>();
  private LocalIdentity.Issued router;

  private LocalMesh(LocalIdentity identity, Transport transport, String environment) {
    this.identity = identity;
    this.transport = transport;
    this.environment = environment;
  }

  /** The mesh of the environment whose state directory is {@code dir}. */
  static LocalMesh start(Path dir, Transport transport) {
    return new LocalMesh(
        LocalIdentity.start(dir, transport), transport, dir.getFileName().toString());
  }

  /** The identity the supervisor's own proxy (routers, service addresses) presents. */
  synchronized ProxyIdentity routerIdentity() {
    if (router == null) {
      router = identity.issue(LocalIdentity.name(ROUTER, environment));
    }
    return router.identity();
  }

  /**
   * Brings the sidecars to {@code routing} (new inbound listeners bound, outbound listeners moved
   * to the current instances) and returns the configuration of the supervisor's proxy, which
   * reaches each application through its sidecar. The sidecars change first, so the supervisor's
   * proxy never sends to a listener that is not bound yet.
   */
  synchronized MeshConfig apply(Routing routing, HostPort admin) {
    Map<String, Routing.Hop> hops = new LinkedHashMap<>();
    routing
        .services()
        .forEach(
            (name, entry) -> {
              List<String> ports = new ArrayList<>();
              entry.endpoints().forEach(e -> ports.add("127.0.0.1:" + inboundPort(e)));
              hops.put(name, new Routing.Hop(ports, name(name).dnsName()));
            });
    drain(routing);
    List<String> kept = endpoints(routing);
    draining.values().forEach(d -> kept.addAll(d.keySet()));
    inboundPorts.keySet().retainAll(kept);
    List<String> gone = new ArrayList<>(sidecars.keySet());
    routing
        .services()
        .forEach(
            (name, entry) -> {
              if (entry.endpoints().isEmpty()
                  && entry.outbound().isEmpty()
                  && draining.getOrDefault(name, Map.of()).isEmpty()) {
                return;
              }
              gone.remove(name);
              MeshConfig config = sidecar(name, entry, hops);
              Sidecar sidecar = sidecars.get(name);
              if (sidecar == null) {
                sidecars.put(name, Sidecar.start(name, config, identity, name(name), transport));
              } else {
                sidecar.proxy().reload(config);
              }
            });
    for (String name : gone) {
      sidecars.remove(name).close();
    }
    return routing.toMesh(admin, (name, entry) -> hops.get(name));
  }

  /**
   * An instance taken out of the routing keeps its inbound listener for {@link
   * Routing#DEFAULT_TIMEOUT} (until a later routing after that): requests the supervisor's proxy or
   * a caller sent it before finish there, as they did before the mesh; the engine stops the
   * instance a second later.
   */
  private void drain(Routing routing) {
    long now = System.nanoTime();
    routing
        .services()
        .forEach(
            (name, entry) -> {
              Map<String, Long> leaving = draining.computeIfAbsent(name, n -> new HashMap<>());
              for (String before : routed.getOrDefault(name, List.of())) {
                if (!entry.endpoints().contains(before)) {
                  leaving.putIfAbsent(before, now + Routing.DEFAULT_TIMEOUT.toNanos());
                }
              }
              leaving.keySet().removeAll(entry.endpoints());
              leaving.values().removeIf(until -> until - now < 0);
              routed.put(name, List.copyOf(entry.endpoints()));
            });
    draining.keySet().retainAll(routing.services().keySet());
    routed.keySet().retainAll(routing.services().keySet());
  }

  private static List<String> endpoints(Routing routing) {
    List<String> all = new ArrayList<>();
    routing.services().values().forEach(e -> all.addAll(e.endpoints()));
    return all;
  }

  private WorkloadName name(String service) {
    return LocalIdentity.name(service, environment);
  }

  /** The configuration of {@code service}'s sidecar. */
  private MeshConfig sidecar(
      String service, Routing.ServiceEntry entry, Map<String, Routing.Hop> hops) {
    List<ListenerConfig> listeners = new ArrayList<>();
    List<BackendConfig> backends = new ArrayList<>();
    List<ServerPolicyConfig> servers = new ArrayList<>();
    List<String> callers = callers(entry.allow());
    List<String> inbound = new ArrayList<>(entry.endpoints());
    inbound.addAll(draining.getOrDefault(service, Map.of()).keySet());
    for (String endpoint : inbound) {
      HostPort instance = HostPort.parse(service, endpoint);
      int port = inboundPort(endpoint);
      String backend = "instance-" + instance.port();
      backends.add(BackendConfig.of(backend, List.of(instance)));
      listeners.add(
          new ListenerConfig(
              "inbound-" + instance.port(),
              new HostPort("127.0.0.1", port),
              ListenerConfig.Mode.EXPLICIT,
              ListenerConfig.Direction.INBOUND,
              backend,
              null));
      servers.add(
          new ServerPolicyConfig(
              service + "-" + instance.port(),
              port,
              List.of(new AuthorizationConfig("allow", callers, null, null)),
              null));
    }
    entry
        .outbound()
        .forEach(
            (target, port) -> {
              Routing.Hop hop = hops.get(target);
              if (hop == null || hop.endpoints().isEmpty()) {
                return; // not deployed yet, or between its instances: refused, as a Service would
              }
              backends.add(Routing.backend(target, hop));
              RouteConfig route =
                  Routing.route(
                      service + "-" + target,
                      "/",
                      target,
                      List.of(),
                      Routing.RETRY,
                      Routing.DEFAULT_TIMEOUT);
              listeners.add(
                  new ListenerConfig(
                      "outbound-" + target,
                      new HostPort("127.0.0.1", port),
                      ListenerConfig.Mode.EXPLICIT,
                      ListenerConfig.Direction.OUTBOUND,
                      target,
                      List.of(route)));
            });
    return new MeshConfig(
        new HostPort("127.0.0.1", 0),
        1,
        List.of(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        false,
        listeners,
        backends,
        null,
        null,
        null,
        new PolicyConfig(PolicyConfig.DefaultPolicy.DENY, null, servers));
  }

  /**
   * Who may call: the services {@code allow} names (and the routers, whose routes the spec already
   * states); without {@code allow}, every meshed identity of this environment.
   */
  private List<String> callers(List<String> allow) {
    if (allow == null) {
      return List.of("*." + environment + ".serviceaccount.identity." + suffix());
    }
    List<String> callers = new ArrayList<>();
    callers.add(name(ROUTER).dnsName());
    allow.forEach(service -> callers.add(name(service).dnsName()));
    return callers;
  }

  private static String suffix() {
    return LocalIdentity.CONTROL + "." + LocalIdentity.TRUST_DOMAIN;
  }

  /**
   * The port the router sends {@code instancePort}'s traffic to: its inbound listener, or the
   * instance's own port when it has none (not an application, or not routed yet).
   */
  synchronized int routedPort(int instancePort) {
    return inboundPorts.getOrDefault("127.0.0.1:" + instancePort, instancePort);
  }

  private int inboundPort(String endpoint) {
    return inboundPorts.computeIfAbsent(endpoint, e -> freePort());
  }

  // Chosen here rather than by the kernel at bind: the policy names the port.
  private static int freePort() {
    return FreePorts.any();
  }

  /**
   * The sidecars' listeners and admin ports, as {@code mesh-<service>-<listener>} (inbound
   * listeners are {@code inbound-<instance port>}) and {@code mesh-<service>-admin}: where to look
   * at an application's mTLS and its proxy's metrics.
   */
  synchronized Map<String, Integer> listeners() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    sidecars.forEach(
        (service, sidecar) -> {
          sidecar
              .proxy()
              .listenerAddresses()
              .forEach(
                  (name, address) -> ports.put("mesh-" + service + "-" + name, address.getPort()));
          ports.put("mesh-" + service + "-admin", sidecar.proxy().adminAddress().getPort());
        });
    return ports;
  }

  @Override
  public synchronized void close() {
    sidecars.values().forEach(Sidecar::close);
    sidecars.clear();
    if (router != null) {
      router.revoke().run();
      router.identity().close();
    }
    identity.close();
  }
}
