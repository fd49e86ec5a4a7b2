package dev.updraft.mesh.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Copies bytes from its channel to a peer, one read at a time: the next read is requested only once
 * the peer accepted the previous bytes, so a slow side slows the fast one instead of filling
 * memory. A FIN from one side half-closes the other (opaque TCP keeps its half-close semantics);
 * the pair closes when both directions are done or either fails.
 */
public final class Relay extends ChannelInboundHandlerAdapter {
  private final Channel peer;

  public Relay(Channel peer) {
    this.peer = peer;
  }

  /** Joins two connected channels with a relay each way and starts reading both. */
  public static void join(Channel a, Channel b) {
    a.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    b.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    a.config().setAutoRead(false);
    b.config().setAutoRead(false);
    a.pipeline().addLast("relay", new Relay(b));
    b.pipeline().addLast("relay", new Relay(a));
    a.read();
    b.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      // A codec being removed may still emit its end-of-message marker; only bytes cross a relay.
      ByteBuf bytes = msg instanceof ByteBufHolder holder ? holder.content().retain() : null;
      ReferenceCountUtil.release(msg);
      if (bytes == null || !bytes.isReadable()) {
        if (bytes != null) {
          bytes.release();
        }
        ctx.channel().read();
        return;
      }
      msg = bytes;
    }
    if (!peer.isActive()) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    peer.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    ctx.channel().read();
                  } else {
                    ctx.close();
                    f.channel().close();
                  }
                });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // Our side will send nothing more: pass the FIN on once what it sent has been written.
      if (peer instanceof DuplexChannel duplex && peer.isActive()) {
        peer.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
            .addListener(
                f -> {
                  duplex.shutdownOutput();
                  closeIfDone(ctx.channel(), peer);
                });
      } else {
        peer.close();
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) {
      peer.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
    peer.close();
  }

  private static void closeIfDone(Channel a, Channel b) {
    if (a instanceof DuplexChannel da
        && b instanceof DuplexChannel db
        && da.isInputShutdown()
        && da.isOutputShutdown()
        && db.isInputShutdown()
        && db.isOutputShutdown()) {
      a.close();
      b.close();
    }
  }
}
