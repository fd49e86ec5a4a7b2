package dev.updraft.mesh.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/** The last handler of an upstream pipeline: hands every event to the bound exchange. */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private Upstream upstream;
  private volatile UpstreamListener listener;

  void attach(Upstream upstream) {
    this.upstream = upstream;
  }

  void bind(UpstreamListener listener) {
    this.listener = listener;
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
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null && ctx.channel().isWritable()) {
      l.upstreamWritable(upstream);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && listener == null) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
