package dev.updraft.mesh.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before the HTTP/1 codec and announces, with {@link #EVENT}, that bytes arrived, before the
 * codec sees them. The handlers after the codec see whole messages only; this tells them that a
 * request head has begun although no message came out of it yet.
 */
@Sharable
public final class Arrivals extends ChannelInboundHandlerAdapter {
  /** The one instance: it keeps no state. */
  public static final Arrivals INSTANCE = new Arrivals();

  /** The user event fired for every read that carried bytes. */
  public static final Object EVENT =
      new Object() {
        @Override
        public String toString() {
          return "Arrivals.EVENT";
        }
      };

  private Arrivals() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
      ctx.fireUserEventTriggered(EVENT);
    }
    ctx.fireChannelRead(msg);
  }
}
