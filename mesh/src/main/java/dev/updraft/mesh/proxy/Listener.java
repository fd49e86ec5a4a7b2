package dev.updraft.mesh.proxy;

import dev.updraft.mesh.config.ConnectionTimeouts;
import dev.updraft.mesh.config.ListenerConfig;
import dev.updraft.mesh.detect.DetectHandler;
import dev.updraft.mesh.detect.Detection;
import dev.updraft.mesh.http.AccessLog;
import dev.updraft.mesh.http.HttpContext;
import dev.updraft.mesh.http.Router;
import dev.updraft.mesh.identity.MeshTrustManager;
import dev.updraft.mesh.identity.ProxyIdentity;
import dev.updraft.mesh.metrics.ConnectionStats;
import dev.updraft.mesh.metrics.ProxyMetrics;
import dev.updraft.mesh.policy.InboundPolicy;
import dev.updraft.mesh.policy.PortPolicy;
import dev.updraft.mesh.stack.HttpStack;
import dev.updraft.mesh.tcp.TcpForwarder;
import dev.updraft.mesh.transport.ConnectionMetricsHandler;
import dev.updraft.mesh.transport.PeerIdentity;
import dev.updraft.mesh.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLPeerUnverifiedException;

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
  private final Supplier<BackendSet> defaultBackend;
  private final ProxyIdentity identity;
  private final Supplier<InboundPolicy> policies;
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
      Supplier<BackendSet> defaultBackend,
      TransparentRouter transparent,
      LongSupplier clock,
      RandomGenerator random,
      AccessLog accessLog,
      ProxyIdentity identity,
      Supplier<InboundPolicy> policies) {
    this.identity = identity;
    this.policies = policies;
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
    return config.direction().name().toLowerCase(Locale.ROOT);
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
    if (config.direction() == ListenerConfig.Direction.INBOUND) {
      int dialled = port;
      PortPolicy.attach(ch, () -> policies.get().forPort(dialled));
    }
    if (opaquePorts.contains(port)) {
      metrics.detected(direction(), "opaque");
      forwardTcp(ch);
      return;
    }
    ch.pipeline()
        .addLast("detect", new DetectHandler(detectTimeout, (ctx, d) -> detected(ctx, d, false)));
  }

  /**
   * Terminates mesh TLS (a ClientHello addressed to this proxy's identity): the client's identity,
   * if it presented a certificate, is recorded on the connection for policy and metrics, and what
   * the TLS carries is detected again. The inner detector sits behind the TLS handler from the
   * start, so application data that arrives with the client's Finished is never lost.
   */
  private void terminateTls(Channel ch) {
    SslHandler tls = identity.serverContext().newHandler(ch.alloc());
    tls.handshakeFuture()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ConnectionMetricsHandler.markFailed(ch);
                ch.close();
                return;
              }
              String client;
              try {
                client =
                    MeshTrustManager.identity(
                        (X509Certificate) tls.engine().getSession().getPeerCertificates()[0]);
              } catch (SSLPeerUnverifiedException e) {
                client = null; // no client certificate: TLS, but unauthenticated
              }
              ch.attr(PeerIdentity.KEY).set(new PeerIdentity(true, client));
            });
    ch.pipeline()
        .addLast("mesh-tls", tls)
        .addLast(
            "detect-tls", new DetectHandler(detectTimeout, (ctx, d) -> detected(ctx, d, true)));
  }

  private boolean isSelf(InetSocketAddress target) {
    InetSocketAddress self = boundAddress;
    return self != null
        && target.getPort() == self.getPort()
        && (target.getAddress().isLoopbackAddress()
            || target.getAddress().isAnyLocalAddress()
            || target.getAddress().equals(self.getAddress()));
  }

  private void detected(ChannelHandlerContext ctx, Detection detection, boolean insideMeshTls) {
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
      case Detection.Tls tls
          when !insideMeshTls
              && identity != null
              && identity.name().dnsName().equals(tls.sni()) -> {
        metrics.detected(direction(), "mesh-tls");
        terminateTls(ch);
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
    PortPolicy policy = PortPolicy.of(ch);
    if (policy != null && !policy.admitTcp(ch)) {
      // Linkerd closes a TCP connection its port's policy does not admit.
      ConnectionMetricsHandler.markFailed(ch);
      ch.close();
      return;
    }
    BackendSet backend =
        transparent != null
            ? transparent.backendFor(ch.attr(TransparentRouter.TARGET).get())
            : defaultBackend.get();
    if (backend == null) {
      // An HTTP-only listener (routes, no default backend) has nowhere to send other protocols.
      ConnectionMetricsHandler.markFailed(ch);
      ch.close();
      return;
    }
    tcp.forward(ch, backend.backend().balancer(), backend.tls());
  }
}
