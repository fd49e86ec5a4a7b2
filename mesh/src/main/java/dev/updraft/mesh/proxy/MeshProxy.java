package dev.updraft.mesh.proxy;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.config.BackendConfig;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.MeshConfigException;
import dev.updraft.mesh.config.RouteConfig;
import dev.updraft.mesh.http.AccessLog;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Route;
import dev.updraft.mesh.http.Router;
import dev.updraft.mesh.identity.IdentityException;
import dev.updraft.mesh.identity.ProxyIdentity;
import dev.updraft.mesh.metrics.MetricsRegistry;
import dev.updraft.mesh.metrics.ProxyMetrics;
import dev.updraft.mesh.policy.InboundPolicy;
import dev.updraft.mesh.policy.PolicyMetrics;
import dev.updraft.mesh.tcp.TcpForwarder;
import dev.updraft.mesh.transport.ClientSettings;
import dev.updraft.mesh.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The running proxy: event loops, listeners, backends, the admin server. Configuration can be
 * reloaded (routes and backends change atomically; a backend whose configuration is unchanged keeps
 * its endpoints, breakers and connections); shutdown stops accepting, lets in-flight requests
 * finish within the grace period, then closes everything.
 */
public final class MeshProxy implements AutoCloseable {
  static {
    // Netty derives channel ids from a MAC address and warns on stderr when a namespace or
    // container has none; any stable id will do for a proxy.
    if (System.getProperty("io.netty.machineId") == null) {
      System.setProperty("io.netty.machineId", "02:00:00:00:00:01");
    }
  }

  private final Transport transport;
  private final EventLoopGroup loops;
  private final ScheduledExecutorService timer;
  private final MetricsRegistry registry = new MetricsRegistry();
  private final ProxyMetrics metrics = new ProxyMetrics(registry);
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, Listener> listeners = new LinkedHashMap<>();
  private final Map<String, Channel> listenerChannels = new HashMap<>();
  private final LongSupplier clock = System::nanoTime;
  private final RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
  private final ClientSettings clientSettings;
  private final AccessLog accessLog;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile MeshConfig config;
  private volatile Map<String, BackendSet> backends = Map.of();
  private volatile Map<String, Router> routers = Map.of();
  private final PolicyMetrics policyMetrics = new PolicyMetrics(registry);
  private volatile InboundPolicy policies;
  private volatile boolean ready;
  private volatile boolean stopping;
  private Channel admin;
  private final ProxyIdentity identity;

  private MeshProxy(
      MeshConfig config, Transport transport, PrintStream accessLogOut, ProxyIdentity identity) {
    this.config = config;
    this.identity = identity;
    this.transport = transport;
    this.loops = transport.newGroup(config.eventLoops(), "mesh-io");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("mesh-timer").daemon().unstarted(r));
    this.clientSettings =
        new ClientSettings(
            transport,
            Duration.ofSeconds(1),
            config.connectionTimeouts().upstreamIdle(),
            10_000,
            metrics.connections("outbound", "dst"),
            config.upstreamMark());
    this.accessLog = accessLogOut == null ? null : new AccessLog(accessLogOut);
  }

  /** Starts the proxy: binds every listener and the admin server, or fails and cleans up. */
  public static MeshProxy start(MeshConfig config, Transport transport, PrintStream accessLog) {
    ProxyIdentity identity =
        config.identity() == null
            ? null
            : ProxyIdentity.fromConfig(config.identity(), Clock.systemUTC());
    return start(config, transport, accessLog, identity);
  }

  /**
   * Starts the proxy with {@code identity} (or none): its first certificate is fetched before any
   * listener binds, as Linkerd's proxy is not ready before it has one, and renewed from then on.
   */
  public static MeshProxy start(
      MeshConfig config, Transport transport, PrintStream accessLog, ProxyIdentity identity) {
    MeshProxy proxy =
        new MeshProxy(config, transport, config.accessLog() ? accessLog : null, identity);
    try {
      if (identity != null) {
        try {
          identity.certify();
        } catch (IdentityException e) {
          throw new MeshConfigException("identity: " + e.getMessage(), e);
        }
        identity.renewOn(
            proxy.timer,
            e -> System.err.println("updraft mesh: certificate renewal failed: " + e.getMessage()));
      }
      proxy.configure(config);
      for (ListenerConfig listener : config.listeners()) {
        proxy.bind(listener);
      }
      proxy.bindAdmin(config);
      new MeshCollectors(proxy.registry, () -> proxy.backends.values(), transport).register();
      proxy.ready = true;
      return proxy;
    } catch (RuntimeException e) {
      proxy.close();
      throw e;
    }
  }

  public MetricsRegistry metrics() {
    return registry;
  }

  /** The proxy's mesh identity, or null without one. */
  public ProxyIdentity identity() {
    return identity;
  }

  public Transport transport() {
    return transport;
  }

  /** The address a listener actually bound (useful with port 0). */
  public InetSocketAddress address(String listener) {
    Listener l = listeners.get(listener);
    if (l == null) {
      throw new IllegalArgumentException(
          "listener: " + listener + " (expected: one of " + listeners.keySet() + ")");
    }
    return l.boundAddress();
  }

  public InetSocketAddress adminAddress() {
    return (InetSocketAddress) admin.localAddress();
  }

  /** The balancer of a backend, for tests and diagnostics. */
  public Balancer<?> balancer(String backend) {
    BackendSet set = backends.get(backend);
    return set == null ? null : set.backend().balancer();
  }

  /**
   * Applies a new configuration: routes and backends change for new requests; listeners that
   * appeared are bound, listeners that disappeared or moved are closed (and rebound). The admin
   * address and the event loops need a restart.
   */
  public synchronized void reload(MeshConfig next) {
    if (!next.admin().equals(config.admin()) || !next.eventLoops().equals(config.eventLoops())) {
      throw new MeshConfigException(
          "admin/eventLoops: changed (expected: a restart to change the admin address or loops)");
    }
    // What is bound, not what was configured: a listener whose bind failed is bound next time.
    Map<String, ListenerConfig> before = new HashMap<>();
    config.listeners().stream()
        .filter(l -> listenerChannels.containsKey(l.name()))
        .forEach(l -> before.put(l.name(), l));
    config = next;
    configure(next);
    Set<String> keep = new HashSet<>();
    for (ListenerConfig listener : next.listeners()) {
      ListenerConfig old = before.get(listener.name());
      if (old != null
          && old.address().equals(listener.address())
          && old.mode() == listener.mode()
          && old.direction() == listener.direction()) {
        keep.add(listener.name());
      }
    }
    for (String name : before.keySet()) {
      if (!keep.contains(name)) {
        Channel server = listenerChannels.remove(name);
        listeners.remove(name);
        if (server != null) {
          servers.remove(server);
          server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
      }
    }
    // One listener that cannot bind does not keep the others down; its failure is reported.
    MeshConfigException failed = null;
    for (ListenerConfig listener : next.listeners()) {
      if (!keep.contains(listener.name())) {
        try {
          bind(listener);
        } catch (MeshConfigException e) {
          if (failed == null) {
            failed = e;
          } else {
            failed.addSuppressed(e);
          }
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** The listeners by name, as bound now. */
  public synchronized Map<String, InetSocketAddress> listenerAddresses() {
    Map<String, InetSocketAddress> result = new LinkedHashMap<>();
    listeners.forEach((name, l) -> result.put(name, l.boundAddress()));
    return result;
  }

  private void configure(MeshConfig next) {
    Map<String, BackendSet> previous = backends;
    Map<String, BackendSet> built = new HashMap<>();
    for (BackendConfig backend : next.backends()) {
      BackendSet old = previous.get(backend.name());
      built.put(
          backend.name(),
          old != null && old.config().equals(backend)
              ? old
              : new BackendSet(backend, clientSettings, timer, clock, random, identity));
    }
    Map<String, Backend> byName = new HashMap<>();
    built.forEach((name, set) -> byName.put(name, set.backend()));
    Map<String, Router> nextRouters = new HashMap<>();
    for (ListenerConfig listener : next.listeners()) {
      if (listener.mode() == ListenerConfig.Mode.TRANSPARENT) {
        continue;
      }
      String direction = listener.direction().name().toLowerCase(Locale.ROOT);
      List<Route> routes = new ArrayList<>();
      for (RouteConfig route : listener.routes()) {
        routes.add(Routes.build(route, byName, metrics, direction, clock));
      }
      Route fallback =
          listener.backend() == null
              ? null
              : Routes.fallback(byName.get(listener.backend()), metrics, direction, clock);
      nextRouters.put(listener.name(), new RouteTable(List.copyOf(routes), fallback));
    }
    backends = Map.copyOf(built);
    routers = Map.copyOf(nextRouters);
    // New connections take the new policy; open ones keep the policy they were accepted under.
    policies = new InboundPolicy(next.policy(), policyMetrics, clock);
    Set<BackendSet> kept = new HashSet<>(built.values());
    previous.values().stream().filter(b -> !kept.contains(b)).forEach(BackendSet::close);
  }

  private void bind(ListenerConfig listenerConfig) {
    TransparentRouter transparent =
        listenerConfig.mode() == ListenerConfig.Mode.TRANSPARENT
            ? new TransparentRouter(
                clientSettings,
                timer,
                clock,
                random,
                metrics,
                listenerConfig.direction().name().toLowerCase(Locale.ROOT))
            : null;
    if (transparent != null && !transport.isEpoll()) {
      throw new MeshConfigException(
          "listeners["
              + listenerConfig.name()
              + "].mode: transparent (expected: the epoll transport,"
              + " which reads SO_ORIGINAL_DST; it is not available here)");
    }
    String name = listenerConfig.name();
    Listener listener =
        new Listener(
            listenerConfig,
            Set.copyOf(config.opaquePorts()),
            config.detectTimeout(),
            config.connectionTimeouts(),
            config.shutdownGrace(),
            metrics,
            new TcpForwarder(clientSettings, clock),
            connections,
            () -> routers.get(name),
            () -> {
              String backend =
                  config.listeners().stream()
                      .filter(l -> l.name().equals(name))
                      .findFirst()
                      .map(ListenerConfig::backend)
                      .orElse(null);
              return backend == null ? null : backends.get(backend);
            },
            transparent,
            clock,
            random,
            accessLog,
            identity,
            () -> policies);
    Channel server = serve(listenerConfig.address().resolve(), listener, false, "listener " + name);
    listener.bound((InetSocketAddress) server.localAddress());
    listeners.put(name, listener);
    listenerChannels.put(name, server);
  }

  private void bindAdmin(MeshConfig config) {
    admin =
        serve(
            config.admin().resolve(),
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(64 * 1024))
                    .addLast(
                        new AdminHandler(
                            registry::render,
                            () -> Workings.json(backends.values(), routers, clock.getAsLong()),
                            () -> ready && !stopping,
                            () -> shutdown(config.shutdownGrace())));
              }
            },
            true,
            "admin");
  }

  private Channel serve(
      InetSocketAddress address, ChannelInitializer<Channel> init, boolean autoRead, String what) {
    try {
      Channel server =
          new ServerBootstrap()
              .group(loops)
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.ALLOCATOR, transport.allocator())
              .childOption(ChannelOption.AUTO_READ, autoRead)
              .childHandler(init)
              .bind(address)
              .sync()
              .channel();
      servers.add(server);
      return server;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeshConfigException(what + ": interrupted while binding " + address);
    } catch (Exception e) { // sync() rethrows the native transport's IOException unchecked
      String where = address.getHostString() + ":" + address.getPort();
      throw new MeshConfigException(
          what
              + ": cannot listen on "
              + where
              + (inUse(e)
                  ? ": the address is in use (another program listens there)"
                  : ": " + e.getMessage()),
          e);
    }
  }

  private static boolean inUse(Throwable e) {
    return e instanceof java.net.BindException
        || (e.getMessage() != null && e.getMessage().contains("Address already in use"));
  }

  /**
   * Stops accepting, waits up to {@code grace} for open connections to finish their requests, then
   * closes everything. Safe to call more than once.
   */
  public CompletableFuture<Void> shutdown(Duration grace) {
    synchronized (this) {
      if (stopping) {
        return terminated;
      }
      stopping = true;
    }
    for (Channel server : servers) {
      if (server != admin) {
        server.close();
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    Thread.ofPlatform()
        .name("mesh-drain")
        .daemon()
        .start(
            () -> {
              while (System.nanoTime() < deadline && inFlight() > 0) {
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  break;
                }
              }
              close();
            });
    return terminated;
  }

  /** Requests and TCP connections currently held by an endpoint. */
  private long inFlight() {
    long pending = 0;
    for (BackendSet set : backends.values()) {
      for (var endpoint : set.backend().balancer().endpoints()) {
        pending += endpoint.pending();
      }
    }
    return pending;
  }

  /** Resolves when the proxy has shut down. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  @Override
  public void close() {
    stopping = true;
    ready = false;
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    for (Channel server : servers) {
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    backends.values().forEach(BackendSet::close);
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    timer.shutdownNow();
    terminated.complete(null);
  }
}
