package dev.updraft.mesh.stack;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.balance.WeightedChoice;
import dev.updraft.mesh.config.BackendConfig;
import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.config.MatchConfig;
import dev.updraft.mesh.config.Protocol;
import dev.updraft.mesh.config.RetryConfig;
import dev.updraft.mesh.config.TimeoutConfig;
import dev.updraft.mesh.http.AccessLog;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpContext;
import dev.updraft.mesh.http.NewCall;
import dev.updraft.mesh.http.Route;
import dev.updraft.mesh.http.RouteMatcher;
import dev.updraft.mesh.http.UpstreamClient;
import dev.updraft.mesh.metrics.MetricsRegistry;
import dev.updraft.mesh.metrics.ProxyMetrics;
import dev.updraft.mesh.resilience.RetryPolicy;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * What a layer test needs around one layer: a route with backends whose endpoints have fake
 * clients, and exchanges on an EmbeddedChannel's event loop, whose clock the test moves.
 */
final class Fixture {
  final EmbeddedChannel channel = new EmbeddedChannel();
  final MetricsRegistry registry = new MetricsRegistry();
  final ProxyMetrics metrics = new ProxyMetrics(registry);
  final RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
  final List<FakeClient> clients = new ArrayList<>();
  long now = 1_000_000_000L;
  AccessLog accessLog;

  Fixture() {
    channel.freezeTime();
  }

  /** Moves this fixture's clock and the channel's timers together. */
  void advance(long millis) {
    now += TimeUnit.MILLISECONDS.toNanos(millis);
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runPendingTasks();
    channel.runScheduledPendingTasks();
  }

  Backend backend(String name, Protocol protocol, int endpoints) {
    List<HostPort> addresses = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      addresses.add(new HostPort("127.0.0." + (clients.size() + i + 1), 8080));
    }
    BackendConfig config =
        new BackendConfig(
            name,
            addresses,
            protocol,
            null,
            java.time.Duration.ofMillis(300),
            null,
            null,
            null,
            null);
    Balancer<UpstreamClient> balancer =
        new Balancer<>(
            name,
            config,
            address -> {
              FakeClient client = new FakeClient(address);
              clients.add(client);
              return client;
            },
            UpstreamClient::close,
            channel.eventLoop(),
            () -> now,
            random);
    List<InetSocketAddress> resolved = new ArrayList<>();
    for (HostPort address : addresses) {
      resolved.add(new InetSocketAddress(address.host(), address.port()));
    }
    balancer.update(resolved);
    return new Backend(config, balancer);
  }

  Route route(RetryConfig retry, TimeoutConfig timeouts, List<Backend> backends) {
    List<Integer> weights = backends.stream().map(b -> 1).toList();
    return new Route(
        "r",
        new RouteMatcher(MatchConfig.ANY),
        new WeightedChoice<>(backends, weights),
        new RetryPolicy(retry, () -> now),
        timeouts,
        metrics.route("outbound", "b", "r"));
  }

  Route route(RetryConfig retry, TimeoutConfig timeouts) {
    return route(retry, timeouts, List.of(backend("b", Protocol.HTTP1, 1)));
  }

  Route route() {
    return route(RetryConfig.NONE, TimeoutConfig.NONE);
  }

  Exchange exchange(Route route, HttpRequest request, boolean hasBody) {
    return exchange(route, request, hasBody, false);
  }

  Exchange exchange(Route route, HttpRequest request, boolean hasBody, boolean fromHttp2) {
    HttpContext context =
        new HttpContext(
            (r, ch) -> route, () -> now, random, "outbound", accessLog, (NewCall) (e, up) -> null);
    return new Exchange(context, request, route, channel.eventLoop(), fromHttp2, hasBody);
  }

  static HttpRequest get(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }

  static HttpRequest post(String uri) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
    request.headers().set("transfer-encoding", "chunked");
    return request;
  }

  /** The metrics the registry renders, for assertions on counters. */
  String metricsText() {
    return registry.render();
  }
}
