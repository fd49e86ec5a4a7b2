package dev.updraft.mesh.edge;

import dev.updraft.mesh.config.Durations;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a request whose body stalls: the proxy asked for more of it and nothing came within the
 * timeout (nginx's {@code client_body_timeout}, HAProxy's {@code timeout client}). Reads are
 * explicit, so the clock runs only while a read is pending: a body held back because the backend is
 * slow to take it is not the client's stall. The failure goes down the pipeline as an exception,
 * which closes the connection (or resets the HTTP/2 stream) and so aborts the upstream request.
 */
public final class BodyStallTimeout extends ChannelDuplexHandler {
  private final Duration timeout;
  private ChannelHandlerContext ctx;
  private boolean inBody;
  private boolean delivered;
  private ScheduledFuture<?> timer;

  public BodyStallTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (inBody && timer == null) {
      arm();
    }
    ctx.read();
  }

  private void arm() {
    timer = ctx.executor().schedule(this::stalled, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      inBody = true;
    }
    if (msg instanceof LastHttpContent) {
      inBody = false;
    }
    delivered = true;
    cancel();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    cancel();
    if (inBody && !delivered) {
      // Bytes came but no message (part of a chunk-size line): the codec reads again by itself.
      arm();
    }
    delivered = false;
    ctx.fireChannelReadComplete();
  }

  private void stalled() {
    timer = null;
    if (inBody && ctx.channel().isActive()) {
      inBody = false;
      ctx.fireExceptionCaught(
          new EdgeException(
              408, "request body stalled: nothing received within " + Durations.format(timeout)));
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }
}
