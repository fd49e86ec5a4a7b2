package dev.updraft.console;

import dev.updraft.console.model.LogTail;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A live log tail as server-sent events: one {@code data:} event per new line, for as long as the
 * browser keeps the connection; a virtual thread follows the file for it.
 */
final class LogStream {
  /** How often the log file is checked for new lines: well under the second a line may take. */
  static final long POLL_MILLIS = 100;

  private LogStream() {}

  static void start(Channel channel, LogTail tail, long from) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    HttpUtil.setTransferEncodingChunked(head, true);
    channel.writeAndFlush(head);
    // Sent at once, so the browser's EventSource opens before the first line is there.
    send(channel, ": tail\n\n");
    Thread.ofVirtual()
        .name("console-log-tail")
        .start(
            () -> {
              try {
                tail.follow(
                    from,
                    POLL_MILLIS,
                    line -> send(channel, "data: " + line + "\n\n"),
                    () -> !channel.isActive());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                channel.close();
              }
            });
  }

  private static void send(Channel channel, String event) {
    channel.writeAndFlush(
        new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
  }
}
