package dev.updraft.console;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Netty's side of the console: checks access, then builds the reply on a virtual thread (pages read
 * the journal and ask the supervisor, which blocks) and writes it back.
 */
final class ConsoleHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final String SECURITY_POLICY =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
          + " frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
  private final Access access;
  private final Routes routes;

  ConsoleHandler(Access access, Routes routes) {
    this.access = access;
    this.routes = routes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean head = request.method().equals(HttpMethod.HEAD);
    switch (access.check(request)) {
      case Access.Verdict.Deny deny -> {
        write(ctx, new Reply.Text(deny.status(), deny.reason() + "\n"), keepAlive, head, null);
        return;
      }
      case Access.Verdict.SetCookie set -> {
        DefaultCookie cookie = new DefaultCookie(Access.COOKIE, access.token());
        cookie.setHttpOnly(true);
        cookie.setPath("/");
        cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Strict);
        write(ctx, new Reply.Redirect(set.location()), keepAlive, head, cookie);
        return;
      }
      case Access.Verdict.Allow allow -> {}
    }
    FullHttpRequest held = request.retainedDuplicate();
    String actor = actor(ctx);
    Thread.ofVirtual()
        .name("console-request")
        .start(
            () -> {
              try {
                write(ctx, reply(held, actor), keepAlive, head, null);
              } catch (RuntimeException e) {
                write(ctx, new Reply.Text(500, oneLine(e) + "\n"), false, head, null);
              } finally {
                held.release();
              }
            });
  }

  private Reply reply(FullHttpRequest request, String actor) {
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    if (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD)) {
      return routes.get(query);
    }
    if (!request.method().equals(HttpMethod.POST)) {
      return new Reply.Text(405, "method: " + request.method() + " (expected: GET or POST)\n");
    }
    Map<String, List<String>> form =
        new QueryStringDecoder(request.content().toString(StandardCharsets.UTF_8), false)
            .parameters();
    List<String> csrf = form.get("csrf");
    if (!access.csrfValid(csrf == null ? null : csrf.getFirst(), request)) {
      return new Reply.Text(403, "csrf: missing or wrong (expected: a form of this console)\n");
    }
    return routes.post(query.path(), form, actor);
  }

  private static String actor(ChannelHandlerContext ctx) {
    String who = System.getProperty("user.name", "unknown");
    String from =
        ctx.channel().remoteAddress() instanceof InetSocketAddress remote
            ? remote.getAddress().getHostAddress()
            : "?";
    return "console (" + who + ", from " + from + ")";
  }

  /** Writes {@code reply}; to a HEAD request, its headers only (Content-Length as for GET). */
  private static void write(
      ChannelHandlerContext ctx,
      Reply reply,
      boolean keepAlive,
      boolean head,
      DefaultCookie cookie) {
    FullHttpResponse response;
    switch (reply) {
      case Reply.Stream stream when head ->
          response = response(200, "text/event-stream; charset=utf-8", new byte[0]);
      case Reply.Stream stream -> {
        LogStream.start(ctx.channel(), stream.tail(), stream.from());
        return;
      }
      case Reply.Page page ->
          response = response(page.status(), "text/html; charset=utf-8", bytes(page.html()));
      case Reply.Text text ->
          response = response(text.status(), "text/plain; charset=utf-8", bytes(text.text()));
      case Reply.Asset asset -> {
        response = response(200, asset.contentType(), asset.bytes());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=300");
      }
      case Reply.Redirect redirect -> {
        response = response(303, "text/plain; charset=utf-8", new byte[0]);
        response.headers().set(HttpHeaderNames.LOCATION, redirect.location());
      }
    }
    if (head) {
      response = response.replace(Unpooled.EMPTY_BUFFER);
    }
    if (cookie != null) {
      response.headers().add(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(cookie));
    }
    HttpUtil.setKeepAlive(response, keepAlive);
    var sent = ctx.writeAndFlush(response);
    if (!keepAlive) {
      sent.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse response(int status, String type, byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    HttpHeaders h = response.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, type);
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    h.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, SECURITY_POLICY);
    h.set("X-Content-Type-Options", "nosniff");
    // Not no-referrer: under it a browser sends "Origin: null" with the console's own forms.
    h.set("Referrer-Policy", "same-origin");
    if (!type.startsWith("text/css") && !type.startsWith("text/javascript")) {
      h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    }
    return response;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String oneLine(RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
