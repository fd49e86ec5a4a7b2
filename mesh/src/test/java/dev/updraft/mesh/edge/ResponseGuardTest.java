package dev.updraft.mesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
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
  void aFailureInTheReadOfTheHeadDropsTheHeadSoTheClientGetsA502() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n",
            StandardCharsets.ISO_8859_1));
    assertThat(errors).hasSize(1);
    assertThat(seen).as("nothing reached the stack before the failure").isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void aHeadWaitsForTheEndOfItsRead() {
    EmbeddedChannel ch = new EmbeddedChannel(new ResponseGuard(), recorder);
    ch.pipeline()
        .fireChannelRead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK))
        .fireChannelRead(Unpooled.copiedBuffer("raw", StandardCharsets.ISO_8859_1));
    assertThat(seen).isEmpty();
    ch.pipeline().fireChannelReadComplete();
    assertThat(seen).hasSize(2).last().isInstanceOf(ByteBuf.class);
    recorder.release();
    ch.finishAndReleaseAll();
  }

  static Stream<Arguments> interim() {
    return Stream.of(
        Arguments.of("100 Continue", "HTTP/1.1 100 Continue\r\n\r\n"),
        Arguments.of("103 Early Hints", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"),
        Arguments.of(
            "two of them", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("interim")
  void interimResponsesStopHereAndTheFinalOneFollows(String name, String raw) {
    EmbeddedChannel ch = channel();
    ch.config().setAutoRead(false);
    int[] reads = {0};
    ch.pipeline()
        .addFirst(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void read(ChannelHandlerContext ctx) {
                reads[0]++;
                ctx.read();
              }
            });
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    assertThat(seen).isEmpty();
    assertThat(reads[0]).as("the reader still waits: read on").isEqualTo(1);
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", StandardCharsets.ISO_8859_1));
    assertThat(errors).isEmpty();
    assertThat(seen).hasSize(2);
    assertThat(((HttpResponse) seen.getFirst()).status().code()).isEqualTo(200);
    assertThat(seen.get(1)).isInstanceOf(LastHttpContent.class);
    recorder.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void anInterimResponseThenGarbageIsA502() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "HTTP/1.1 100 Continue\r\n\r\ngarbage\r\n\r\n", StandardCharsets.ISO_8859_1));
    assertThat(seen).isEmpty();
    assertThat(errors).singleElement().isInstanceOf(EdgeException.class);
    ch.finishAndReleaseAll();
  }

  @Test
  void anHttp2InterimResponseIsDroppedWhole() {
    EmbeddedChannel ch = new EmbeddedChannel(new ResponseGuard(), recorder);
    ch.writeInbound(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(103)),
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK),
        new DefaultLastHttpContent());
    assertThat(seen).hasSize(2);
    assertThat(((HttpResponse) seen.getFirst()).status().code()).isEqualTo(200);
    recorder.release();
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
