package dev.updraft.mesh.edge;

import dev.updraft.mesh.config.Durations;
import dev.updraft.mesh.transport.TimeoutClock;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The two clocks of an HTTP/1 client connection between its requests, as HAProxy keeps them: the
 * request head must arrive within {@code requestHead} of its first byte (HAProxy's {@code timeout
 * http-request}), else the client gets a 408 and the connection closes; a connection with nothing
 * in flight closes after {@code keepAlive} of silence ({@code timeout http-keep-alive}).
 *
 * <p>It sits after the codec and learns of a head's first bytes from {@link Arrivals}. The head
 * clock only runs while no response is owed, so a 408 can never cut into another response. When the
 * connection becomes a tunnel (101, or 2xx to CONNECT) both clocks stop for good.
 */
public final class ClientTimeouts extends ChannelDuplexHandler {
  private final Duration requestHead;
  private final Duration keepAlive;
  private final ArrayDeque<HttpMethod> owed = new ArrayDeque<>();
  private TimeoutClock head;
  private TimeoutClock idle;
  private ChannelHandlerContext ctx;
  private boolean requestOpen;
  private boolean headStarted;
  private boolean done;

  public ClientTimeouts(Duration requestHead, Duration keepAlive) {
    this.requestHead = requestHead;
    this.keepAlive = keepAlive;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    head = new TimeoutClock(ctx.executor(), this::headTimedOut);
    idle = new TimeoutClock(ctx.executor(), this::idleTimedOut);
    // Added once detection saw the start of a request: its head is under way.
    headStarted = true;
    update();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == Arrivals.EVENT) {
      if (!requestOpen && !headStarted) {
        headStarted = true;
        update();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      headStarted = false;
      requestOpen = true;
      owed.add(request.method());
    }
    if (msg instanceof LastHttpContent) {
      requestOpen = false;
    }
    update();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response && tunnel(response)) {
      stop();
      ctx.write(msg, promise);
      ctx.pipeline().remove(this);
      if (ctx.pipeline().get(Arrivals.class) != null) {
        ctx.pipeline().remove(Arrivals.class);
      }
      return;
    }
    if (msg instanceof HttpResponse response && response.status().code() < 200) {
      ctx.write(msg, promise);
      return;
    }
    if (msg instanceof LastHttpContent) {
      owed.poll();
      update();
    }
    ctx.write(msg, promise);
  }

  private boolean tunnel(HttpResponse response) {
    int code = response.status().code();
    return code == 101 || code / 100 == 2 && HttpMethod.CONNECT.equals(owed.peek());
  }

  private void update() {
    if (done) {
      return;
    }
    boolean owes = !owed.isEmpty();
    head.run(headStarted && !requestOpen && !owes, requestHead);
    idle.run(!headStarted && !requestOpen && !owes, keepAlive);
  }

  private void headTimedOut() {
    if (done || !ctx.channel().isActive()) {
      return;
    }
    stop();
    // Answered by the proxy's own refusal path, like a malformed head.
    HttpRequest timedOut = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    timedOut.setDecoderResult(
        DecoderResult.failure(
            new EdgeException(
                408, "request head not complete within " + Durations.format(requestHead))));
    ctx.fireChannelRead(timedOut);
    ctx.fireChannelReadComplete();
  }

  private void idleTimedOut() {
    if (!done) {
      stop();
      ctx.close();
    }
  }

  private void stop() {
    done = true;
    head.cancel();
    idle.cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }
}
