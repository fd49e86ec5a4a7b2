package dev.updraft.mesh.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/** The last handler of a test pipeline: keeps what reaches it, messages and exceptions. */
final class Recorder extends ChannelInboundHandlerAdapter {
  final List<Object> seen = new ArrayList<>();
  final List<Throwable> errors = new ArrayList<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    seen.add(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    errors.add(cause);
  }

  void release() {
    seen.forEach(ReferenceCountUtil::release);
  }
}
