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
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections to one endpoint, each owned by one event loop and used only by the requests of
 * the clients on that loop: HTTP/1.1 connections pooled per loop, and one HTTP/2 connection per
 * loop whose streams carry that loop's requests. A request's client side and upstream side then run
 * on one thread, so no message hops between loops and nothing is locked on the hot path; an
 * endpoint gets at most one HTTP/2 connection per loop (HAProxy likewise connects per thread).
 */
public final class EndpointClient implements UpstreamClient {
  // Stateless (@Sharable): one for every stream, not one allocated and set up per request.
  private static final Http2StreamFrameToHttpObjectCodec STREAM_CODEC =
      new Http2StreamFrameToHttpObjectCodec(false);

  private final InetSocketAddress address;
  private final ClientSettings settings;
  private final FastThreadLocal<ArrayDeque<H1Upstream>> idle =
      new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<H1Upstream> initialValue() {
          return new ArrayDeque<>();
        }
      };
  private final Object h2Lock = new Object();
  // Per event loop; written under h2Lock (acquisitions may come from any loop, close from any).
  private final Map<EventLoop, Future<Channel>> h2Connections = new HashMap<>();
  private volatile boolean closed;

  public EndpointClient(InetSocketAddress address, ClientSettings settings) {
    this.address = address;
    this.settings = settings;
  }

  public InetSocketAddress address() {
    return address;
  }

  /** Gets an upstream for one request, connecting if there is no idle one. */
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
                    "connect to " + address + ": " + reason(f.cause()), true, f.cause()));
          }
        });
  }

  /** Closes pooled and shared connections; later acquisitions fail. */
  public void close() {
    closed = true;
    synchronized (h2Lock) {
      for (Future<Channel> connection : h2Connections.values()) {
        if (connection.isSuccess()) {
          connection.getNow().close();
        }
      }
      h2Connections.clear();
    }
    // Pooled HTTP/1.1 connections belong to their loops; they close at their idle timeout.
  }

  private void acquireStream(EventLoop loop, Callback callback) {
    Future<Channel> connection;
    synchronized (h2Lock) {
      Future<Channel> current = h2Connections.get(loop);
      if (current == null
          || (current.isDone() && (!current.isSuccess() || !current.getNow().isActive()))) {
        current = connectH2(loop);
        h2Connections.put(loop, current);
      }
      connection = current;
    }
    connection.addListener(
        f -> {
          if (!f.isSuccess()) {
            callback.failed(
                new UpstreamException(
                    "connect to " + address + ": " + reason(f.cause()), true, f.cause()));
            return;
          }
          openStream(connection.getNow(), callback);
        });
  }

  private void openStream(Channel parent, Callback callback) {
    UpstreamHandler handler = new UpstreamHandler(null);
    Future<Http2StreamChannel> open =
        new Http2StreamChannelBootstrap(parent)
            .option(ChannelOption.AUTO_READ, false)
            .handler(
                new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel ch) {
                    ch.pipeline()
                        .addLast(STREAM_CODEC)
                        .addLast(new ResponseGuard())
                        .addLast(handler);
                  }
                })
            .open();
    open.addListener(
        f -> {
          if (f.isSuccess()) {
            callback.acquired(new H2Upstream(open.getNow(), handler));
          } else {
            callback.failed(
                new UpstreamException(
                    "open HTTP/2 stream to " + address + ": " + reason(f.cause()),
                    true,
                    f.cause()));
          }
        });
  }

  private Future<Channel> connectH2(EventLoop loop) {
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
                            Http2FrameCodecBuilder.forClient()
                                .initialSettings(
                                    Http2Settings.defaultSettings()
                                        .initialWindowSize(65_535)
                                        .pushEnabled(false))
                                .build())
                        .addLast(new Http2MultiplexHandler(new RefusePush()));
                  }
                })
            .connect(address);
    io.netty.util.concurrent.Promise<Channel> ready = loop.newPromise();
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            ready.trySuccess(connect.channel());
          } else {
            ready.tryFailure(f.cause());
          }
        });
    return ready;
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

  private static String reason(Throwable cause) {
    if (cause == null) {
      return "failed";
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
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
