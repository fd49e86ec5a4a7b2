package dev.updraft.mesh.detect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a connection's first bytes until {@link ProtocolDetector} decides, then lets the outcome
 * build the rest of the pipeline and replays the bytes into it. If the client says nothing within
 * the detect timeout the connection is handled as opaque TCP (a client that began an HTTP request
 * and stalled is handled as HTTP, where the request head timeout answers it): detection never fails
 * a connection.
 */
public final class DetectHandler extends ChannelInboundHandlerAdapter {
  /** Builds the pipeline for what was detected; handlers added last receive the buffered bytes. */
  @FunctionalInterface
  public interface Outcome {
    void detected(ChannelHandlerContext ctx, Detection detection);
  }

  private final Duration timeout;
  private final Outcome outcome;
  private CompositeByteBuf buffered;
  private ScheduledFuture<?> timer;
  private boolean decided;

  public DetectHandler(Duration timeout, Outcome outcome) {
    this.timeout = timeout;
    this.outcome = outcome;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    buffered = ctx.alloc().compositeBuffer();
    if (ctx.channel().isActive()) {
      begin(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    begin(ctx);
    ctx.fireChannelActive();
  }

  private void begin(ChannelHandlerContext ctx) {
    if (timer == null) {
      timer = ctx.executor().schedule(() -> timedOut(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
      ctx.read();
    }
  }

  private void timedOut(ChannelHandlerContext ctx) {
    if (!decided && buffered != null) {
      decide(ctx, ProtocolDetector.onTimeout(buffered));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (decided || !(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    buffered.addComponent(true, bytes);
    Detection detection = ProtocolDetector.detect(buffered);
    if (detection instanceof Detection.NeedMore) {
      if (buffered.readableBytes() >= ProtocolDetector.MAX_PEEK) {
        decide(ctx, Detection.OPAQUE);
      } else {
        ctx.read();
      }
      return;
    }
    decide(ctx, detection);
  }

  private void decide(ChannelHandlerContext ctx, Detection detection) {
    if (decided || ctx.isRemoved()) {
      return;
    }
    decided = true;
    if (timer != null) {
      timer.cancel(false);
    }
    outcome.detected(ctx, detection);
    ByteBuf bytes = buffered;
    buffered = null;
    if (bytes.isReadable()) {
      ctx.fireChannelRead(bytes);
    } else {
      bytes.release();
    }
    ctx.pipeline().remove(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!decided) {
      decided = true;
      if (timer != null) {
        timer.cancel(false);
      }
    }
    ctx.fireChannelInactive();
  }

  /**
   * Before detection no protocol handler owns the connection, so a failure below (a TLS handshake
   * that a client aborted, a reset) ends here: the connection closes, and nothing reaches the end
   * of the pipeline, where Netty would log a warning with a stack trace for every such client.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (decided) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    decided = true;
    if (timer != null) {
      timer.cancel(false);
    }
    ctx.close();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (buffered != null) {
      ReferenceCountUtil.release(buffered);
      buffered = null;
    }
  }
}
