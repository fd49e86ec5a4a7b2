package dev.updraft.mesh.http;

import dev.updraft.mesh.transport.TimeoutClock;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * The last handler of an upstream pipeline: hands every event to the bound exchange. A pooled
 * HTTP/1.1 connection closes once it has been idle in its pool for {@code poolIdle}; the clock runs
 * only while no exchange is bound, so unlike an {@code IdleStateHandler} it adds nothing to each
 * write (that one turned every write's void promise into a real one with a listener).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final Duration poolIdle;
  private Upstream upstream;
  private volatile UpstreamListener listener;
  private TimeoutClock idle;

  /** {@code poolIdle} null: not pooled (an HTTP/2 stream). */
  UpstreamHandler(Duration poolIdle) {
    this.poolIdle = poolIdle;
  }

  void attach(Upstream upstream) {
    this.upstream = upstream;
  }

  /** Binds an exchange, or with null, returns the connection to its pool (or to nobody). */
  void bind(UpstreamListener listener) {
    this.listener = listener;
    if (idle != null) {
      idle.run(listener == null, poolIdle);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (poolIdle != null) {
      idle = new TimeoutClock(ctx.executor(), ctx::close);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (idle != null) {
      idle.cancel(); // the connection became a tunnel
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l == null) {
      // An idle pooled connection must not speak; whatever it says, it cannot be trusted again.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    l.upstreamRead(upstream, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idle != null) {
      idle.cancel();
    }
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamClosed(upstream);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamFailed(upstream, cause);
    }
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // Resets come as events (they are not flow-controlled); the stream closes right after.
    if (evt instanceof Http2ResetFrame reset
        && reset.errorCode() == Http2Error.REFUSED_STREAM.code()
        && upstream instanceof H2Upstream h2) {
      h2.refusedByPeer();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null && ctx.channel().isWritable()) {
      l.upstreamWritable(upstream);
    }
    ctx.fireChannelWritabilityChanged();
  }
}
