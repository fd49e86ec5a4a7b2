package dev.updraft.mesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The backend side's codec alone: raw response bytes in, decoded messages out. */
class Http1ClientCodecTest {
  private final EmbeddedChannel ch = new EmbeddedChannel(Http1Codecs.client());

  private void send(HttpRequest request) {
    ch.writeOutbound(request);
    ch.releaseOutbound();
  }

  private static HttpRequest request(HttpMethod method) {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/");
  }

  private List<Object> receive(String raw) {
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    List<Object> out = new ArrayList<>();
    Object msg;
    while ((msg = ch.readInbound()) != null) {
      out.add(msg);
    }
    return out;
  }

  private static void release(List<Object> messages) {
    messages.forEach(ReferenceCountUtil::release);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("leading space", " HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("leading tab", "\tHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("version lowercase", "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("version HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("version HTTP/1.2", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("two spaces", "HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("tab after version", "HTTP/1.1\t200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("status with sign", "HTTP/1.1 +200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("status of two digits", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("space in a name", "HTTP/1.1 200 OK\r\nX Y: z\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("space before colon", "HTTP/1.1 200 OK\r\nX : z\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("101 unasked", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void isAFailedDecodeNeverAResponse(String name, String raw) {
    send(request(HttpMethod.GET));
    List<Object> out = receive(raw);
    assertThat(out).isNotEmpty();
    assertThat(((HttpObject) out.getFirst()).decoderResult().isFailure()).isTrue();
    release(out);
    ch.finishAndReleaseAll();
  }

  @Test
  void aValidResponsePasses() {
    send(request(HttpMethod.GET));
    List<Object> out = receive("HTTP/1.1 200 OK\r\nX-A: b\r\nContent-Length: 2\r\n\r\nok");
    assertThat(out).hasSize(2);
    assertThat(((HttpResponse) out.getFirst()).headers().get("x-a")).isEqualTo("b");
    assertThat(out.get(1)).isInstanceOf(LastHttpContent.class);
    assertThat(ch.isOpen()).isTrue();
    release(out);
    ch.finishAndReleaseAll();
  }

  @Test
  void aResponseToHeadHasNoBodyAndBytesAfterItCloseTheConnection() {
    send(request(HttpMethod.HEAD));
    List<Object> out = receive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    assertThat(out).hasSize(2).allMatch(m -> ((HttpObject) m).decoderResult().isSuccess());
    assertThat(out.get(1)).isInstanceOf(LastHttpContent.class);
    assertThat(ch.isOpen()).as("no request asked for 'hello'").isFalse();
    release(out);
  }

  @Test
  void aBackendSpeakingOnAnIdleConnectionIsClosed() {
    send(request(HttpMethod.GET));
    release(receive("HTTP/1.1 204 No Content\r\n\r\n"));
    assertThat(ch.isOpen()).isTrue();
    assertThat(receive("\r\n")).as("an empty line is skipped").isEmpty();
    assertThat(ch.isOpen()).isTrue();
    assertThat(receive("HTTP/1.1 408 Request Timeout\r\n\r\n")).isEmpty();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void interimResponsesKeepTheRequestAwaitingItsAnswer() {
    send(request(HttpMethod.HEAD));
    List<Object> out =
        receive("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    assertThat(out).hasSize(4);
    assertThat(((HttpResponse) out.get(2)).status().code()).isEqualTo(200);
    assertThat(out.get(3)).as("still HEAD's: no body").isInstanceOf(LastHttpContent.class);
    assertThat(ch.isOpen()).isTrue();
    release(out);
    ch.finishAndReleaseAll();
  }

  @Test
  void aSwitchToAnUpgradeThatWasAskedForLeavesRawBytes() {
    HttpRequest upgrade = request(HttpMethod.GET);
    upgrade.headers().set("upgrade", "websocket").set("connection", "upgrade");
    send(upgrade);
    List<Object> out =
        receive(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\u0081\u0002hi");
    assertThat(((HttpResponse) out.getFirst()).status().code()).isEqualTo(101);
    assertThat(out.getLast()).isInstanceOf(ByteBuf.class);
    assertThat(ch.isOpen()).isTrue();
    release(out);
    ch.finishAndReleaseAll();
  }

  @Test
  void aConnectThatSucceededLeavesRawBytes() {
    send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, "a:443"));
    List<Object> out = receive("HTTP/1.1 200 OK\r\n\r\n\u0016\u0003\u0001");
    assertThat(out).hasSize(3);
    assertThat(out.get(1)).isInstanceOf(LastHttpContent.class);
    assertThat(out.get(2)).isInstanceOf(ByteBuf.class);
    release(out);
    ch.finishAndReleaseAll();
  }
}
