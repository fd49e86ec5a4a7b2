package dev.updraft.mesh.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DetectHandlerTest {
  private final List<Detection> outcomes = new ArrayList<>();

  private EmbeddedChannel channel(Duration timeout) {
    return new EmbeddedChannel(
        new DetectHandler(
            timeout,
            (ctx, detection) -> {
              outcomes.add(detection);
              ctx.pipeline().addLast(new ChannelInboundHandlerAdapter());
            }));
  }

  @Test
  void replaysEveryByteAfterDecidingAcrossSeveralReads() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    ch.writeInbound(bytes("GE"));
    assertThat(outcomes).isEmpty();
    ch.writeInbound(bytes("T /abc HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertThat(outcomes).containsExactly(Detection.HTTP1);
    assertThat(ch.pipeline().get(DetectHandler.class)).isNull();
    ByteBuf replayed = ch.readInbound();
    assertThat(replayed.toString(StandardCharsets.US_ASCII))
        .isEqualTo("GET /abc HTTP/1.1\r\nHost: x\r\n\r\n");
    replayed.release();
  }

  @Test
  void aFailureBeforeDetectionClosesTheConnectionAndGoesNoFurther() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    ch.writeInbound(bytes("GE"));
    ch.pipeline().fireExceptionCaught(new javax.net.ssl.SSLProtocolException("user_canceled"));
    ch.checkException(); // throws if the failure reached the end of the pipeline
    assertThat(ch.isOpen()).isFalse();
    assertThat(outcomes).isEmpty();
  }

  @Test
  void silenceFallsBackToOpaqueWithoutFailingTheConnection() throws Exception {
    EmbeddedChannel ch = channel(Duration.ofMillis(50));
    Thread.sleep(80);
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    ch.runScheduledPendingTasks();
    assertThat(outcomes).containsExactly(Detection.OPAQUE);
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void aClientThatStallsInsideAMethodIsHandledAsHttp() throws Exception {
    EmbeddedChannel ch = channel(Duration.ofMillis(50));
    ch.writeInbound(bytes("PO"));
    Thread.sleep(80);
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    ch.runScheduledPendingTasks();
    assertThat(outcomes).as("the request head timeout takes over").containsExactly(Detection.HTTP1);
    ByteBuf replayed = ch.readInbound();
    assertThat(replayed.toString(StandardCharsets.US_ASCII)).isEqualTo("PO");
    replayed.release();
  }

  @Test
  void opaqueDataIsDecidedAtOnce() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(10));
    ch.writeInbound(bytes("\u0000\u0001binary"));
    assertThat(outcomes).containsExactly(Detection.OPAQUE);
    ByteBuf replayed = ch.readInbound();
    assertThat(replayed.readableBytes()).isEqualTo(8);
    replayed.release();
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }
}
