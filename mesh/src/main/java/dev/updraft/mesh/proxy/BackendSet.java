package dev.updraft.mesh.proxy;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.config.BackendConfig;
import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.config.MeshConfigException;
import dev.updraft.mesh.http.Backend;
import dev.updraft.mesh.http.EndpointClient;
import dev.updraft.mesh.http.UpstreamClient;
import dev.updraft.mesh.identity.ProxyIdentity;
import dev.updraft.mesh.transport.ClientSettings;
import dev.updraft.mesh.transport.TlsOrigination;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * A backend with its discovery: static addresses, and DNS names resolved again every {@code
 * dnsRefresh} so endpoints follow DNS changes. A failed lookup keeps the last known addresses.
 */
final class BackendSet implements AutoCloseable {
  private final BackendConfig config;
  private final Backend backend;
  private final ScheduledFuture<?> refresh;
  private final TlsOrigination tls;

  BackendSet(
      BackendConfig config,
      ClientSettings clientSettings,
      ScheduledExecutorService timer,
      LongSupplier clock,
      RandomGenerator random,
      ProxyIdentity identity) {
    this.config = config;
    this.tls = origination(config, identity);
    ClientSettings settings =
        new ClientSettings(
            clientSettings.transport(),
            config.connectTimeout(),
            clientSettings.poolIdle(),
            clientSettings.maxIdlePerLoop(),
            clientSettings.stats(),
            clientSettings.mark(),
            tls);
    Balancer<UpstreamClient> balancer =
        new Balancer<>(
            config.name(),
            config,
            address -> new EndpointClient(address, settings),
            UpstreamClient::close,
            timer,
            clock,
            random);
    this.backend = new Backend(config, balancer);
    List<InetSocketAddress> initial = resolve(List.of());
    balancer.update(initial);
    boolean names = config.endpoints().stream().anyMatch(e -> !isLiteral(e.host()));
    this.refresh =
        names
            ? timer.scheduleWithFixedDelay(
                () -> balancer.update(resolve(addresses())),
                config.dnsRefresh().toNanos(),
                config.dnsRefresh().toNanos(),
                TimeUnit.NANOSECONDS)
            : null;
  }

  BackendConfig config() {
    return config;
  }

  Backend backend() {
    return backend;
  }

  private List<InetSocketAddress> addresses() {
    return backend.balancer().endpoints().stream().map(e -> e.address()).toList();
  }

  private List<InetSocketAddress> resolve(List<InetSocketAddress> previous) {
    Set<InetSocketAddress> result = new LinkedHashSet<>();
    for (HostPort endpoint : config.endpoints()) {
      try {
        for (InetAddress address : InetAddress.getAllByName(endpoint.host())) {
          result.add(new InetSocketAddress(address, endpoint.port()));
        }
      } catch (UnknownHostException e) {
        // Keep what this name resolved to before; a transient DNS failure must not drain traffic.
        for (InetSocketAddress old : previous) {
          if (old.getPort() == endpoint.port()) {
            result.add(old);
          }
        }
      }
    }
    return new ArrayList<>(result);
  }

  private static boolean isLiteral(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  @Override
  public void close() {
    if (refresh != null) {
      refresh.cancel(false);
    }
    backend.balancer().update(List.of());
  }

  /** Mesh TLS towards this backend's endpoints, or null for plaintext. */
  TlsOrigination tls() {
    return tls;
  }

  private static TlsOrigination origination(BackendConfig config, ProxyIdentity identity) {
    if (config.identity() == null) {
      return null;
    }
    if (identity == null) {
      throw new MeshConfigException(
          "backends["
              + config.name()
              + "].identity: \""
              + config.identity()
              + "\" (expected: an identity section, so the proxy has a certificate of its own)");
    }
    String server = config.identity();
    // SNI carries the identity the endpoint must have (the inbound side terminates only what is
    // addressed to it). The context is looked up per connection, so connections made after a
    // renewal present the
    // new certificate while open ones keep theirs.
    return (alloc, peer, alpn) ->
        identity.clientContext(server, alpn).newHandler(alloc, server, peer.getPort());
  }
}
