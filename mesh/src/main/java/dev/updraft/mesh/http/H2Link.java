package dev.updraft.mesh.http;

import dev.updraft.mesh.edge.ResponseGuard;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection to an endpoint, as its {@link H2Pool} uses it: the last handler of the
 * connection's pipeline (after the multiplexer), which reports the server's SETTINGS (its stream
 * limit, read from the codec once applied), GOAWAY and the connection's end to the pool, and opens
 * the streams the pool hands out.
 */
final class H2Link extends ChannelInboundHandlerAdapter implements H2Pool.Link {
  // Stateless (@Sharable): one for every stream, not one allocated and set up per request.
  private static final Http2StreamFrameToHttpObjectCodec STREAM_CODEC =
      new Http2StreamFrameToHttpObjectCodec(false);

  private final H2Pool pool;
  private final H2Pool.Connection connection;
  private final InetSocketAddress address;
  private Channel channel;
  private Http2FrameCodec codec;
  private final Duration settingsTimeout;
  private boolean settled;
  private boolean ended;

  /**
   * @param settingsTimeout how long the server may take to send its SETTINGS once connected (the
   *     connect timeout): requests wait for them, so a peer that never sends them must not hold
   *     them until their own timeouts
   */
  H2Link(
      H2Pool pool,
      H2Pool.Connection connection,
      InetSocketAddress address,
      Duration settingsTimeout) {
    this.pool = pool;
    this.connection = connection;
    this.address = address;
    this.settingsTimeout = settingsTimeout;
  }

  /** Follows the connect: a failed one ends the connection as a connect failure. */
  void connecting(ChannelFuture connect) {
    channel = connect.channel();
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            end("connect to " + address + ": " + reason(f.cause()), f.cause());
            return;
          }
          channel
              .eventLoop()
              .schedule(
                  () -> {
                    if (!settled) {
                      end(
                          "no HTTP/2 SETTINGS from " + address + " within " + settingsTimeout,
                          null);
                      channel.close();
                    }
                  },
                  settingsTimeout.toMillis(),
                  TimeUnit.MILLISECONDS);
        });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    codec = ctx.pipeline().get(Http2FrameCodec.class);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      switch (msg) {
        // The codec applied the new settings before passing the frame on: its local endpoint's
        // limit is the server's SETTINGS_MAX_CONCURRENT_STREAMS (unlimited if the server sent
        // none).
        case Http2SettingsFrame settings -> {
          settled = true;
          pool.settings(connection, codec.connection().local().maxActiveStreams());
        }
        case Http2GoAwayFrame goAway -> pool.goAway(connection);
        default -> {}
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    end("connection to " + address + " closed before its SETTINGS", null);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void end(String message, Throwable cause) {
    if (!ended) {
      ended = true;
      pool.closed(connection, new UpstreamException(message, true, cause));
    }
  }

  @Override
  public void openStream(UpstreamClient.Callback callback, Runnable onClosed) {
    if (channel == null || !channel.isActive() || codec == null) {
      onClosed.run();
      callback.failed(
          new UpstreamException("HTTP/2 connection to " + address + " closed", true, null));
      return;
    }
    UpstreamHandler handler = new UpstreamHandler(null);
    Future<Http2StreamChannel> open =
        new Http2StreamChannelBootstrap(channel)
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
            Http2StreamChannel stream = open.getNow();
            // The child closes while the codec still counts its stream (the codec reads on and
            // closes it after handing the last frame over): the slot is given back a task later,
            // or a waiter's HEADERS would exceed the limit by the codec's own count.
            stream.closeFuture().addListener(c -> channel.eventLoop().execute(onClosed));
            callback.acquired(new H2Upstream(stream, handler, codec.connection()));
          } else {
            onClosed.run();
            callback.failed(
                new UpstreamException(
                    "open HTTP/2 stream to " + address + ": " + reason(f.cause()),
                    true,
                    f.cause()));
          }
        });
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close();
    }
  }

  static String reason(Throwable cause) {
    if (cause == null) {
      return "failed";
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }
}
