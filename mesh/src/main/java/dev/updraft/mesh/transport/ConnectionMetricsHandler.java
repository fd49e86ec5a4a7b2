package dev.updraft.mesh.transport;

import dev.updraft.mesh.metrics.ConnectionStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;

/**
 * Counts a connection's opening, bytes both ways and closing (Linkerd's tcp_* families). It sits
 * first in the pipeline, where messages are raw bytes; one instance serves a whole listener.
 */
@Sharable
public final class ConnectionMetricsHandler extends ChannelDuplexHandler {
  private static final AttributeKey<Boolean> FAILED = AttributeKey.valueOf("updraft.failed");
  private static final AttributeKey<Boolean> OPENED = AttributeKey.valueOf("updraft.opened");

  private final ConnectionStats stats;

  public ConnectionMetricsHandler(ConnectionStats stats) {
    this.stats = stats;
  }

  /** Marks the connection as ending in failure (reset, protocol error) for tcp_close_total. */
  public static void markFailed(io.netty.channel.Channel channel) {
    channel.attr(FAILED).set(Boolean.TRUE);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.channel().attr(OPENED).set(Boolean.TRUE);
    stats.onOpen();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // A connection refused during set-up was never counted as open.
    if (Boolean.TRUE.equals(ctx.channel().attr(OPENED).get())) {
      stats.onClose(Boolean.TRUE.equals(ctx.channel().attr(FAILED).get()));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    stats.onRead(size(msg));
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    stats.onWrite(size(msg));
    ctx.write(msg, promise);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    markFailed(ctx.channel());
    ctx.fireExceptionCaught(cause);
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf buf) {
      return buf.readableBytes();
    }
    if (msg instanceof ByteBufHolder holder) {
      return holder.content().readableBytes();
    }
    return 0;
  }
}
