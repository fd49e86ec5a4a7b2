package dev.updraft.mesh.proxy;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.config.ConnectionTimeouts;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.detect.DetectHandler;
import dev.updraft.mesh.detect.Detection;
import dev.updraft.mesh.http.AccessLog;
import dev.updraft.mesh.http.HttpContext;
import dev.updraft.mesh.http.Router;
import dev.updraft.mesh.metrics.ConnectionStats;
import dev.updraft.mesh.metrics.ProxyMetrics;
import dev.updraft.mesh.stack.HttpStack;
import dev.updraft.mesh.tcp.TcpForwarder;
import dev.updraft.mesh.transport.ConnectionMetricsHandler;
import dev.updraft.mesh.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One listener's connection handling: where a connection goes (explicit backend or original
 * destination), whether its port is opaque, protocol detection, and the HTTP/1.1, HTTP/2 or TCP
 * pipeline that follows.
 */
final class Listener extends ChannelInitializer<Channel> {
  private final ListenerConfig config;
  private final Set<Integer> opaquePorts;
  private final Duration detectTimeout;
  private final ConnectionTimeouts timeouts;
  private final ProxyMetrics metrics;
  private final ConnectionStats clientStats;
  private final TcpForwarder tcp;
  private final ChannelGroup connections;
  private final Supplier<Router> router;
  private final Supplier<Balancer<?>> defaultBackend;
  private final TransparentRouter transparent;
  private final HttpContext http;
  private final Duration shutdownGrace;
  private volatile InetSocketAddress boundAddress;

  Listener(
      ListenerConfig config,
      Set<Integer> opaquePorts,
      Duration detectTimeout,
      ConnectionTimeouts timeouts,
      Duration shutdownGrace,
      ProxyMetrics metrics,
      TcpForwarder tcp,
      ChannelGroup connections,
      Supplier<Router> router,
      Supplier<Balancer<?>> defaultBackend,
      TransparentRouter transparent,
      LongSupplier clock,
      RandomGenerator random,
      AccessLog accessLog) {
    this.config = config;
    this.opaquePorts = opaquePorts;
    this.detectTimeout = detectTimeout;
    this.timeouts = timeouts;
    this.shutdownGrace = shutdownGrace;
    this.metrics = metrics;
    String direction = direction();
    this.clientStats = metrics.connections(direction, "src");
    this.tcp = tcp;
    this.connections = connections;
    this.router = router;
    this.defaultBackend = defaultBackend;
    this.transparent = transparent;
    Router dynamic =
        transparent != null
            ? transparent
            : (request, channel) -> router.get().route(request, channel);
    this.http = new HttpContext(dynamic, clock, random, direction, accessLog, HttpStack.build());
  }

  ListenerConfig config() {
    return config;
  }

  String direction() {
    return config.direction().name().toLowerCase();
  }

  void bound(InetSocketAddress address) {
    this.boundAddress = address;
  }

  InetSocketAddress boundAddress() {
    return boundAddress;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    ch.config().setAutoRead(false);
    ch.pipeline().addLast("metrics", new ConnectionMetricsHandler(clientStats));
    int port;
    if (transparent != null) {
      InetSocketAddress target = Transport.originalDestination(ch).orElse(null);
      if (target == null || isSelf(target)) {
        // Not redirected by netfilter (or redirected to ourselves): there is nowhere to forward.
        ConnectionMetricsHandler.markFailed(ch);
        ch.close();
        return;
      }
      ch.attr(TransparentRouter.TARGET).set(target);
      port = target.getPort();
    } else {
      port = ((InetSocketAddress) ch.localAddress()).getPort();
    }
    if (opaquePorts.contains(port)) {
      metrics.detected(direction(), "opaque");
      forwardTcp(ch);
      return;
    }
    ch.pipeline().addLast("detect", new DetectHandler(detectTimeout, this::detected));
  }

  private boolean isSelf(InetSocketAddress target) {
    InetSocketAddress self = boundAddress;
    return self != null
        && target.getPort() == self.getPort()
        && (target.getAddress().isLoopbackAddress()
            || target.getAddress().isAnyLocalAddress()
            || target.getAddress().equals(self.getAddress()));
  }

  private void detected(ChannelHandlerContext ctx, Detection detection) {
    Channel ch = ctx.channel();
    switch (detection) {
      case Detection.Http1 h1 -> {
        metrics.detected(direction(), "http/1");
        ServerPipelines.http1(ch.pipeline(), http, timeouts);
      }
      case Detection.Http2 h2 -> {
        metrics.detected(direction(), "h2");
        ch.config().setAutoRead(true);
        ServerPipelines.http2(ch.pipeline(), http, timeouts, shutdownGrace);
      }
      case Detection.Tls tls -> {
        metrics.detected(direction(), "tls");
        forwardTcp(ch);
      }
      case Detection.Opaque opaque -> {
        metrics.detected(direction(), "opaque");
        forwardTcp(ch);
      }
      case Detection.NeedMore more -> throw new IllegalStateException("undecided detection");
    }
  }

  private void forwardTcp(Channel ch) {
    Balancer<?> balancer =
        transparent != null
            ? transparent.backendFor(ch.attr(TransparentRouter.TARGET).get()).backend().balancer()
            : defaultBackend.get();
    if (balancer == null) {
      // An HTTP-only listener (routes, no default backend) has nowhere to send other protocols.
      ConnectionMetricsHandler.markFailed(ch);
      ch.close();
      return;
    }
    tcp.forward(ch, balancer);
  }
}
