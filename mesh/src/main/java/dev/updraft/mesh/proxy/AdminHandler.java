package dev.updraft.mesh.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin server (Linkerd's): {@code /metrics} in Prometheus text format, {@code /ready}, {@code
 * /live}, {@code /workings} (endpoints, breakers and retry budgets as JSON, see {@link Workings}),
 * and {@code POST /shutdown} from loopback clients only.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final Supplier<String> metrics;
  private final Supplier<String> workings;
  private final BooleanSupplier ready;
  private final Runnable shutdown;

  AdminHandler(
      Supplier<String> metrics,
      Supplier<String> workings,
      BooleanSupplier ready,
      Runnable shutdown) {
    this.metrics = metrics;
    this.workings = workings;
    this.ready = ready;
    this.shutdown = shutdown;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = request.uri().split("\\?", 2)[0];
    FullHttpResponse response =
        switch (path) {
          case "/metrics" ->
              get(request)
                  ? text(HttpResponseStatus.OK, metrics.get(), "text/plain; version=0.0.4")
                  : notAllowed();
          case "/workings" ->
              get(request)
                  ? text(HttpResponseStatus.OK, workings.get(), "application/json")
                  : notAllowed();
          case "/ready" ->
              ready.getAsBoolean()
                  ? text(HttpResponseStatus.OK, "ready\n", "text/plain")
                  : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n", "text/plain");
          case "/live" -> text(HttpResponseStatus.OK, "live\n", "text/plain");
          case "/shutdown" -> shutdown(ctx, request);
          default -> text(HttpResponseStatus.NOT_FOUND, "not found\n", "text/plain");
        };
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    var write = ctx.writeAndFlush(response);
    if (!keepAlive) {
      write.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private FullHttpResponse shutdown(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.method() != HttpMethod.POST) {
      return notAllowed();
    }
    if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress peer)
        || !peer.getAddress().isLoopbackAddress()) {
      return text(
          HttpResponseStatus.FORBIDDEN, "shutdown is only allowed from loopback\n", "text/plain");
    }
    ctx.executor().execute(shutdown);
    return text(HttpResponseStatus.OK, "shutdown\n", "text/plain");
  }

  private static boolean get(FullHttpRequest request) {
    return request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
  }

  private static FullHttpResponse notAllowed() {
    return text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n", "text/plain");
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body, String type) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
