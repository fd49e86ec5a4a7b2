package dev.updraft.mesh.identity;

import dev.updraft.mesh.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code updraft mesh identity}: the Certify API over HTTPS, HTTP/2 by ALPN (HTTP/1.1 for clients
 * that offer only that). The server presents a certificate of its own authority naming {@code
 * updraft-identity.<control-ns>}, so proxies check it with the trust bundle they already hold.
 */
public final class IdentityServer implements AutoCloseable {
  private static final Duration SERVER_CERT_LIFETIME = Duration.ofDays(365);
  private static final int MAX_BODY = CertifyRequest.MAX_BYTES;

  private final AtomicReference<CertificateAuthority> ca;
  private final EventLoopGroup loops;
  private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
  private final Channel server;
  private final WorkloadName name;

  private IdentityServer(
      CertificateAuthority authority,
      String controlNamespace,
      TokenVerifier verifier,
      InetSocketAddress address,
      Transport transport) {
    this.ca = new AtomicReference<>(authority);
    this.name =
        new WorkloadName(
            "updraft-identity", controlNamespace, controlNamespace, authority.trustDomain());
    KeyPair keys = Keys.generate();
    Credentials own =
        new Credentials(
            keys.getPrivate(),
            authority.withLifetime(SERVER_CERT_LIFETIME).issue(keys.getPublic(), name));
    SslContext tls = TlsContexts.server(own, authority.bundle());
    CertifyHandler certify = new CertifyHandler(ca::get, verifier, work);
    this.loops = transport.newGroup(1, "mesh-identity");
    try {
      this.server =
          new ServerBootstrap()
              .group(loops)
              .channel(transport.serverChannel())
              .childHandler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS))
                          .addLast(tls.newHandler(ch.alloc()))
                          .addLast(new Negotiation(certify));
                    }
                  })
              .bind(address)
              .sync()
              .channel();
    } catch (Exception e) {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      work.close();
      throw new IdentityException(
          "listen: cannot listen on " + address + " (" + e.getMessage() + ")", e);
    }
  }

  /** Serves Certify for {@code ca} on {@code address}. */
  public static IdentityServer start(
      CertificateAuthority ca,
      String controlNamespace,
      TokenVerifier verifier,
      InetSocketAddress address,
      Transport transport) {
    return new IdentityServer(ca, controlNamespace, verifier, address, transport);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The identity this server presents; clients expect it. */
  public WorkloadName name() {
    return name;
  }

  /** Signs with {@code next} from now on (an issuer or anchor rotation). */
  public void authority(CertificateAuthority next) {
    ca.set(next);
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    work.close();
  }

  private static final class Negotiation extends ApplicationProtocolNegotiationHandler {
    private final CertifyHandler certify;

    Negotiation(CertifyHandler certify) {
      super(ApplicationProtocolNames.HTTP_1_1);
      this.certify = certify;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      ChannelPipeline pipeline = ctx.pipeline();
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        pipeline
            .addLast(Http2FrameCodecBuilder.forServer().validateHeaders(true).build())
            .addLast(
                new Http2MultiplexHandler(
                    new ChannelInitializer<Http2StreamChannel>() {
                      @Override
                      protected void initChannel(Http2StreamChannel stream) {
                        stream
                            .pipeline()
                            .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                            .addLast(new HttpObjectAggregator(MAX_BODY))
                            .addLast(certify);
                      }
                    }));
      } else {
        pipeline
            .addLast(new HttpServerCodec())
            .addLast(new HttpObjectAggregator(MAX_BODY))
            .addLast(certify);
      }
    }
  }
}
