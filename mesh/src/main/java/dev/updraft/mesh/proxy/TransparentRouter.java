package dev.updraft.mesh.proxy;

import dev.updraft.mesh.config.BackendConfig;
import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.http.Route;
import dev.updraft.mesh.http.Router;
import dev.updraft.mesh.metrics.ProxyMetrics;
import dev.updraft.mesh.transport.ClientSettings;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Transparent mode's router: a connection goes where its client dialled (SO_ORIGINAL_DST), through
 * a balancer of that one endpoint so breakers, retries and metrics still apply. Targets are cached
 * up to a bound; beyond it a target gets a fresh, uncached route.
 */
final class TransparentRouter implements Router, AutoCloseable {
  static final AttributeKey<InetSocketAddress> TARGET = AttributeKey.valueOf("updraft.target");
  private static final int MAX_TARGETS = 10_000;

  private final ClientSettings settings;
  private final ScheduledExecutorService timer;
  private final LongSupplier clock;
  private final RandomGenerator random;
  private final ProxyMetrics metrics;
  private final String direction;
  private final Map<InetSocketAddress, Target> targets = new ConcurrentHashMap<>();

  private record Target(BackendSet backend, Route route) {}

  TransparentRouter(
      ClientSettings settings,
      ScheduledExecutorService timer,
      LongSupplier clock,
      RandomGenerator random,
      ProxyMetrics metrics,
      String direction) {
    this.settings = settings;
    this.timer = timer;
    this.clock = clock;
    this.random = random;
    this.metrics = metrics;
    this.direction = direction;
  }

  @Override
  public Route route(HttpRequest request, Channel downstream) {
    // An HTTP/2 stream's target is its connection's; an accepted socket's parent is the listener.
    Channel connection =
        downstream instanceof Http2StreamChannel stream ? stream.parent() : downstream;
    InetSocketAddress target = connection.attr(TARGET).get();
    return target == null ? null : target(target).route();
  }

  BackendSet backendFor(InetSocketAddress address) {
    return target(address).backend();
  }

  private Target target(InetSocketAddress address) {
    Target cached = targets.get(address);
    if (cached != null) {
      return cached;
    }
    if (targets.size() >= MAX_TARGETS) {
      return create(address);
    }
    return targets.computeIfAbsent(address, this::create);
  }

  private Target create(InetSocketAddress address) {
    String ip = address.getAddress().getHostAddress();
    String name = ("dst-" + ip + "-" + address.getPort()).replace(':', '.');
    BackendConfig config = BackendConfig.of(name, List.of(new HostPort(ip, address.getPort())));
    BackendSet backend = new BackendSet(config, settings, timer, clock, random, null);
    String label = (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.getPort();
    Route route = Routes.fallback(backend.backend(), metrics, direction, clock);
    return new Target(
        backend,
        new Route(
            label,
            route.matcher(),
            route.backends(),
            route.retry(),
            route.timeouts(),
            metrics.route(direction, label, "default")));
  }

  @Override
  public void close() {
    targets.values().forEach(t -> t.backend().close());
    targets.clear();
  }
}
