package dev.updraft.mesh.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.logging.LogLevel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/2 server with a small SETTINGS_MAX_CONCURRENT_STREAMS that answers each request after a
 * delay, and records what a client did to it: the most streams open at once on one connection,
 * streams it had to reset (Netty refuses those over the limit), requests answered, connections. On
 * purpose it can refuse the first requests with REFUSED_STREAM, or answer the first connection's
 * first stream with a GOAWAY whose last stream id is 0 (none processed).
 */
public final class LimitedH2Server implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final int maxStreams;
  private final long delayMillis;
  private final int refuseFirst;
  private final boolean goAwayFirst;
  private final AtomicInteger maxOpenOnAConnection = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicBoolean goAwaySent = new AtomicBoolean();

  /**
   * @param refuseFirst how many requests are reset with REFUSED_STREAM before any is answered
   * @param goAwayFirst whether the first stream of the first connection gets GOAWAY(last id 0)
   */
  public LimitedH2Server(int maxStreams, long delayMillis, int refuseFirst, boolean goAwayFirst)
      throws InterruptedException {
    this.maxStreams = maxStreams;
    this.delayMillis = delayMillis;
    this.refuseFirst = refuseFirst;
    this.goAwayFirst = goAwayFirst;
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.incrementAndGet();
                    openConnections.incrementAndGet();
                    ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
                    AtomicInteger open = new AtomicInteger();
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forServer()
                                .initialSettings(
                                    Http2Settings.defaultSettings()
                                        .maxConcurrentStreams(LimitedH2Server.this.maxStreams))
                                .frameLogger(new ResetCounter())
                                .build())
                        .addLast(
                            new Http2MultiplexHandler(
                                new ChannelInitializer<Http2StreamChannel>() {
                                  @Override
                                  protected void initChannel(Http2StreamChannel stream) {
                                    stream.pipeline().addLast(new Handler(open));
                                  }
                                }));
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The most streams a client had open at once on one connection. */
  public int maxOpenOnAConnection() {
    return maxOpenOnAConnection.get();
  }

  /** RST_STREAM frames this server sent that it was not told to send (over the limit, errors). */
  public int unplannedResets() {
    return resets.get() - refused.get();
  }

  public int answered() {
    return answered.get();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Connections accepted and not closed yet. */
  public int openConnections() {
    return openConnections.get();
  }

  public boolean goAwaySent() {
    return goAwaySent.get();
  }

  /** Counts the RST_STREAM frames the codec writes, including those it writes on its own. */
  private final class ResetCounter extends Http2FrameLogger {
    ResetCounter() {
      super(LogLevel.TRACE, LimitedH2Server.class);
    }

    @Override
    public void logRstStream(
        Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
      if (direction == Direction.OUTBOUND) {
        resets.incrementAndGet();
      }
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private final AtomicInteger open;
    private boolean counted;

    Handler(AtomicInteger open) {
      this.open = open;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      counted = true;
      maxOpenOnAConnection.accumulateAndGet(open.incrementAndGet(), Math::max);
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (counted) {
        open.decrementAndGet();
      }
      ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      boolean end =
          frame instanceof Http2HeadersFrame h && h.isEndStream()
              || frame instanceof Http2DataFrame d && d.isEndStream();
      if (frame instanceof Http2HeadersFrame
          && goAwayFirst
          && goAwaySent.compareAndSet(false, true)) {
        Channel parent = ctx.channel().parent();
        Http2FrameCodec codec = parent.pipeline().get(Http2FrameCodec.class);
        codec.goAway(
            parent.pipeline().context(codec),
            0,
            Http2Error.NO_ERROR.code(),
            Unpooled.EMPTY_BUFFER,
            parent.newPromise());
        parent.flush();
        return;
      }
      if (!end) {
        return;
      }
      if (refused.get() < refuseFirst && refused.incrementAndGet() <= refuseFirst) {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
        return;
      }
      ctx.executor()
          .schedule(
              () -> {
                answered.incrementAndGet();
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                ctx.writeAndFlush(
                    new DefaultHttp2DataFrame(
                        Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), true));
              },
              delayMillis,
              TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
