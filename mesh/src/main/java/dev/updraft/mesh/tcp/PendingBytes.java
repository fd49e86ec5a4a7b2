package dev.updraft.mesh.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Holds a client's bytes while the backend connection is being made, and hands them on when it is
 * removed, so nothing the client sent early (detection bytes, a pipelined greeting) is lost.
 */
final class PendingBytes extends ChannelInboundHandlerAdapter {
  private CompositeByteBuf held;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    held = ctx.alloc().compositeBuffer();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && held != null) {
      held.addComponent(true, bytes);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    CompositeByteBuf bytes = held;
    held = null;
    if (bytes == null) {
      return;
    }
    if (bytes.isReadable() && ctx.channel().isActive()) {
      ctx.fireChannelRead(bytes);
    } else {
      ReferenceCountUtil.release(bytes);
    }
  }
}
