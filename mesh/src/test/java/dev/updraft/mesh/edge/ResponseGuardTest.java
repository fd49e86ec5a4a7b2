package dev.updraft.mesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A backend's raw response through the strict client codec and the guard. */
class ResponseGuardTest {
  private final Recorder recorder = new Recorder();
  private final List<Object> seen = recorder.seen;
  private final List<Throwable> errors = recorder.errors;

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel(Http1Codecs.client(), new ResponseGuard(), recorder);
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    ch.releaseOutbound();
    return ch;
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("no status", "HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("status not a number", "HTTP/1.1 2xx OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("status 600", "HTTP/1.1 600 Nope\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("status 99", "HTTP/1.1 099 Nope\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("not HTTP", "SSH-2.0-OpenSSH\r\n\r\n"),
        Arguments.of("HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of(
            "two lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
        Arguments.of("length list", "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nab"),
        Arguments.of(
            "length and chunked",
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of(
            "gzip, chunked",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\n\n"),
        Arguments.of(
            "NUL in a value", "HTTP/1.1 200 OK\r\nX: a\u0000b\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("control in reason", "HTTP/1.1 200 O\u0001K\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of(
            "invalid chunk size",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n"),
        Arguments.of(
            "head over 16 KiB", "HTTP/1.1 200 OK\r\nX: " + "a".repeat(17000) + "\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void becomesA502Failure(String name, String raw) {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    assertThat(errors)
        .singleElement()
        .isInstanceOfSatisfying(EdgeException.class, e -> assertThat(e.status()).isEqualTo(502));
    assertThat(seen)
        .as("no placeholder (999 Unknown) and no completed body")
        .noneMatch(
            m ->
                m instanceof LastHttpContent
                    || m instanceof HttpResponse r && r.status().code() == 999);
    seen.forEach(ReferenceCountUtil::release);
    ch.finishAndReleaseAll();
  }

  @Test
  void aBodyBrokenHalfWayIsCutNotCompleted() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n",
            StandardCharsets.ISO_8859_1));
    assertThat(errors).isEmpty();
    ch.writeInbound(Unpooled.copiedBuffer("1\r\nxy\r\n0\r\n\r\n", StandardCharsets.ISO_8859_1));
    assertThat(errors).hasSize(1);
    assertThat(seen).hasSize(3).noneMatch(m -> m instanceof LastHttpContent);
    seen.forEach(ReferenceCountUtil::release);
    ch.finishAndReleaseAll();
  }

  @Test
  void aValidResponsePassesUntouched() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", StandardCharsets.ISO_8859_1));
    assertThat(errors).isEmpty();
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1)).isInstanceOf(LastHttpContent.class);
    seen.forEach(ReferenceCountUtil::release);
    ch.finishAndReleaseAll();
  }
}
