package dev.updraft.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pool-idle clock of an upstream HTTP/1.1 connection. */
class UpstreamHandlerTest {
  private static final UpstreamListener BUSY =
      new UpstreamListener() {
        @Override
        public void upstreamRead(Upstream source, Object msg) {}

        @Override
        public void upstreamClosed(Upstream source) {}

        @Override
        public void upstreamFailed(Upstream source, Throwable cause) {}

        @Override
        public void upstreamWritable(Upstream source) {}
      };

  private static void advance(EmbeddedChannel channel, int seconds) {
    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void aPooledConnectionClosesAfterPoolIdleCountedFromItsLastRelease() {
    UpstreamHandler handler = new UpstreamHandler(Duration.ofSeconds(3));
    EmbeddedChannel channel = new EmbeddedChannel(handler);
    handler.bind(BUSY);
    handler.bind(null);
    advance(channel, 2);
    handler.bind(BUSY);
    handler.bind(null);
    advance(channel, 2);
    assertThat(channel.isOpen()).as("idle for 2 s since its last release").isTrue();
    advance(channel, 2);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aConnectionInUseDoesNotTimeOut() {
    UpstreamHandler handler = new UpstreamHandler(Duration.ofSeconds(3));
    EmbeddedChannel channel = new EmbeddedChannel(handler);
    handler.bind(null);
    handler.bind(BUSY);
    advance(channel, 10);
    assertThat(channel.isOpen()).isTrue();
    channel.close();
  }

  @Test
  void aStreamHasNoPoolClock() {
    UpstreamHandler handler = new UpstreamHandler(null);
    EmbeddedChannel channel = new EmbeddedChannel(handler);
    handler.bind(null);
    advance(channel, 60);
    assertThat(channel.isOpen()).isTrue();
    channel.close();
  }
}
