package dev.updraft.mesh.http;

import dev.updraft.mesh.edge.Http1Codecs;
import dev.updraft.mesh.edge.ResponseGuard;
import dev.updraft.mesh.transport.ClientSettings;
import dev.updraft.mesh.transport.ConnectionMetricsHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The connections to one endpoint, each owned by one event loop and used only by the requests of
 * the clients on that loop: HTTP/1.1 connections pooled per loop, and per loop an {@link H2Pool} of
 * HTTP/2 connections whose streams carry that loop's requests. A request's client side and upstream
 * side then run on one thread, so no message hops between loops and nothing is locked on the hot
 * path (HAProxy likewise connects per thread). The pool keeps within the server's stream limit: one
 * connection normally, a few when the limit is reached, then a bounded wait for a stream.
 */
public final class EndpointClient implements UpstreamClient {
  // More connections when the server's stream limit is reached, but not without bound: past
  // these, requests wait for a stream, and past the waiting bound they are shed (503).
  static final int MAX_H2_CONNECTIONS_PER_LOOP = 4;
  static final int MAX_H2_WAITING_PER_LOOP = 1024;

  private final InetSocketAddress address;
  private final ClientSettings settings;
  private final FastThreadLocal<ArrayDeque<H1Upstream>> idle =
      new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<H1Upstream> initialValue() {
          return new ArrayDeque<>();
        }
      };
  // Per event loop; each pool is used on its loop only (close hops there).
  private final Map<EventLoop, H2Pool> h2Pools = new ConcurrentHashMap<>();
  private final String name;
  private volatile boolean closed;

  public EndpointClient(InetSocketAddress address, ClientSettings settings) {
    this.address = address;
    this.settings = settings;
    this.name = address.getHostString() + ":" + address.getPort();
  }

  public InetSocketAddress address() {
    return address;
  }

  /** Gets an upstream for one request, connecting if there is no idle one. */
  @Override
  public void acquire(EventLoop loop, boolean http2, Callback callback) {
    if (closed) {
      callback.failed(new UpstreamException("endpoint " + address + " was removed", true, null));
      return;
    }
    if (http2) {
      acquireStream(loop, callback);
      return;
    }
    ArrayDeque<H1Upstream> pool = idle.get();
    H1Upstream pooled;
    while ((pooled = pool.poll()) != null) {
      if (pooled.channel().isActive()) {
        callback.acquired(pooled);
        return;
      }
    }
    UpstreamHandler handler = new UpstreamHandler(settings.poolIdle());
    ChannelFuture connect =
        bootstrap(loop)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ConnectionMetricsHandler(settings.stats()));
                    secure(ch, "http/1.1");
                    ch.pipeline()
                        .addLast(Http1Codecs.client())
                        .addLast(new ResponseGuard())
                        .addLast(handler);
                  }
                })
            .connect(address);
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            callback.acquired(
                new H1Upstream(connect.channel(), handler, pool, settings.maxIdlePerLoop()));
          } else {
            callback.failed(
                new UpstreamException(
                    "connect to " + address + ": " + H2Link.reason(f.cause()), true, f.cause()));
          }
        });
  }

  /** Closes pooled and shared connections; later acquisitions fail. */
  @Override
  public void close() {
    closed = true;
    h2Pools.forEach(
        (loop, pool) -> {
          try {
            loop.execute(pool::close);
          } catch (RejectedExecutionException e) {
            // The loop has shut down, and its connections with it.
          }
        });
    // Pooled HTTP/1.1 connections belong to their loops; they close at their idle timeout.
  }

  private void acquireStream(EventLoop loop, Callback callback) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> acquireStream(loop, callback));
      return;
    }
    H2Pool pool =
        h2Pools.computeIfAbsent(
            loop,
            l ->
                new H2Pool(
                    (p, c) -> dial(l, p, c),
                    new LoopClock(l),
                    settings.poolIdle(),
                    MAX_H2_CONNECTIONS_PER_LOOP,
                    MAX_H2_WAITING_PER_LOOP,
                    name));
    if (closed) {
      pool.close();
    }
    pool.acquire(callback);
  }

  private H2Pool.Link dial(EventLoop loop, H2Pool pool, H2Pool.Connection connection) {
    H2Link link = new H2Link(pool, connection, address, settings.connectTimeout());
    ChannelFuture connect =
        bootstrap(loop)
            .option(ChannelOption.AUTO_READ, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ConnectionMetricsHandler(settings.stats()));
                    secure(ch, "h2");
                    ch.pipeline()
                        .addLast(
                            H2Codecs.forClient()
                                .initialSettings(
                                    Http2Settings.defaultSettings()
                                        .initialWindowSize(65_535)
                                        .pushEnabled(false))
                                .build())
                        .addLast(new Http2MultiplexHandler(new RefusePush()))
                        .addLast(link);
                  }
                })
            .connect(address);
    link.connecting(connect);
    return link;
  }

  // Mesh TLS to a meshed endpoint: requests written before the handshake wait in the TLS handler,
  // and the handshake fails (and the request with it) if the endpoint is not who it should be.
  private void secure(Channel ch, String alpn) {
    if (settings.tls() != null) {
      ch.pipeline().addLast("tls", settings.tls().handler(ch.alloc(), address, alpn));
    }
  }

  private Bootstrap bootstrap(EventLoop loop) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(settings.transport().channel())
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, settings.transport().allocator())
            .option(ChannelOption.AUTO_READ, false);
    settings.transport().mark(bootstrap, settings.mark());
    return bootstrap;
  }

  /** The idle clock of a loop's extra HTTP/2 connections. */
  private record LoopClock(EventLoop loop) implements H2Pool.Clock {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
      loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Servers may not push to the proxy: such streams are refused. */
  private static final class RefusePush extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public String toString() {
    return "EndpointClient[" + address + "]";
  }
}
