package dev.updraft.mesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BodyStallTimeoutTest {
  private final List<Throwable> errors = new ArrayList<>();
  private final EmbeddedChannel ch = new EmbeddedChannel();

  BodyStallTimeoutTest() {
    ch.freezeTime();
    ch.config().setAutoRead(false);
    ch.pipeline()
        .addLast(new BodyStallTimeout(Duration.ofSeconds(30)))
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
              }
            });
  }

  private void advance(int seconds) {
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
  }

  @Test
  void aBodyThatSendsNothingWhileAwaitedFails() {
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"));
    ch.read();
    advance(29);
    assertThat(errors).isEmpty();
    advance(2);
    assertThat(errors)
        .singleElement()
        .isInstanceOfSatisfying(EdgeException.class, e -> assertThat(e.status()).isEqualTo(408));
  }

  @Test
  void theClockRunsOnlyWhileTheProxyWaitsForTheBody() {
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"));
    // No read pending: the proxy holds the body back (a slow backend), not the client.
    advance(60);
    assertThat(errors).isEmpty();
    ch.read();
    advance(20);
    ch.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    ch.read();
    advance(60);
    assertThat(errors).as("between requests the keep-alive timeout applies").isEmpty();
  }

  @Test
  void bytesThatYieldNoMessageKeepTheClockRunning() {
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"));
    ch.read();
    advance(20);
    // Part of a chunk-size line: the codec reads again by itself, so the stall clock restarts.
    ch.pipeline().fireChannelReadComplete();
    advance(29);
    assertThat(errors).isEmpty();
    advance(2);
    assertThat(errors).hasSize(1);
  }
}
