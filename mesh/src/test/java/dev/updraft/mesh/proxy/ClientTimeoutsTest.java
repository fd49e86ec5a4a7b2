package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.ConnectionTimeouts;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The request head and keep-alive clocks of the listener's HTTP/1 pipeline. */
class ClientTimeoutsTest {
  private static Http1Channel channel() {
    return new Http1Channel(
        new ConnectionTimeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), null));
  }

  private static void advance(Http1Channel ch, int seconds) {
    ch.channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.channel.runScheduledPendingTasks();
    ch.channel.runPendingTasks();
  }

  @Test
  void aHeadNotCompleteWithinTheTimeoutGets408() {
    try (Http1Channel ch = channel()) {
      ch.send("GET / HTTP/1.1\r\nHo");
      advance(ch, 9);
      assertThat(ch.output()).isEmpty();
      ch.send("st: a\r\nX-Slow: 1");
      advance(ch, 2);
      String out = ch.output();
      assertThat(Http1Channel.status(out)).as(out).isEqualTo(408);
      assertThat(out).contains("l5d-proxy-error: request head not complete within 10s");
      assertThat(ch.routed).isEmpty();
      assertThat(ch.channel.isOpen()).isFalse();
    }
  }

  @Test
  void anIdleConnectionClosesAfterTheKeepAliveTimeout() {
    try (Http1Channel ch = channel()) {
      ch.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(Http1Channel.status(ch.output())).isEqualTo(404);
      advance(ch, 29);
      assertThat(ch.channel.isOpen()).isTrue();
      advance(ch, 2);
      assertThat(ch.output()).as("closed without a word").isEmpty();
      assertThat(ch.channel.isOpen()).isFalse();
    }
  }

  @Test
  void theKeepAliveClockStartsAgainAfterEveryResponse() {
    try (Http1Channel ch = channel()) {
      ch.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      ch.output();
      advance(ch, 25);
      ch.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(Http1Channel.status(ch.output())).isEqualTo(404);
      advance(ch, 29);
      assertThat(ch.channel.isOpen()).as("30 s after the last response, not the first").isTrue();
      advance(ch, 2);
      assertThat(ch.channel.isOpen()).isFalse();
    }
  }

  @Test
  void theHeadClockStartsWithTheNextRequestsFirstByte() {
    try (Http1Channel ch = channel()) {
      ch.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      ch.output();
      advance(ch, 20);
      ch.send("GE");
      advance(ch, 9);
      assertThat(ch.channel.isOpen()).as("the idle clock stopped").isTrue();
      advance(ch, 2);
      assertThat(Http1Channel.status(ch.output())).isEqualTo(408);
    }
  }
}
