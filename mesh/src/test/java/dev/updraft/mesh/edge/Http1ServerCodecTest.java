package dev.updraft.mesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client side's codec alone: what it holds back after a request that may open a tunnel. */
class Http1ServerCodecTest {
  private static final String CONNECT =
      "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test\r\n\r\n";

  private final Http1ServerCodec codec = Http1Codecs.server();
  private final EmbeddedChannel ch = new EmbeddedChannel(codec);

  private List<Object> receive(String raw) {
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    return inbound();
  }

  private List<Object> inbound() {
    List<Object> out = new ArrayList<>();
    Object msg;
    while ((msg = ch.readInbound()) != null) {
      out.add(msg);
    }
    return out;
  }

  @Test
  void bytesBehindAConnectAreHeldUndecodedAndTakenForTheTunnel() {
    List<Object> first = receive(CONNECT + "\u0016\u0003\u0001 client hello");
    assertThat(first).hasSize(2);
    assertThat(((HttpRequest) first.get(0)).method()).isEqualTo(HttpMethod.CONNECT);
    assertThat(first.get(1)).isInstanceOf(LastHttpContent.class);
    assertThat(receive(" and more")).as("nothing decoded while a tunnel may open").isEmpty();
    ByteBuf early = codec.takeHeld();
    assertThat(early.toString(StandardCharsets.ISO_8859_1))
        .isEqualTo("\u0016\u0003\u0001 client hello and more");
    early.release();
    ch.pipeline().remove(codec);
    assertThat(ch.<Object>readInbound()).as("nothing left to hand on").isNull();
    first.forEach(ReferenceCountUtil::release);
    ch.finishAndReleaseAll();
  }

  @Test
  void aRefusedUpgradeLetsThePipelinedRequestBeDecoded() {
    List<Object> first =
        receive(
            "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(first).hasSize(2);
    codec.resume();
    ch.runPendingTasks();
    List<Object> next = inbound();
    assertThat(next).hasSize(2);
    assertThat(((HttpRequest) next.get(0)).uri()).isEqualTo("/next");
    first.forEach(ReferenceCountUtil::release);
    next.forEach(ReferenceCountUtil::release);
    ch.finishAndReleaseAll();
  }

  @Test
  void aResponseToHeadHasNoBodyAndA2xxToConnectNoFraming() {
    receive("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").forEach(ReferenceCountUtil::release);
    DefaultFullHttpResponse ok =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    ok.headers().set("content-length", 5);
    ch.writeOutbound(ok);
    ByteBuf head = (ByteBuf) ch.readOutbound();
    assertThat(head.toString(StandardCharsets.ISO_8859_1)).endsWith("content-length: 5\r\n\r\n");
    head.release();
    receive(CONNECT).forEach(ReferenceCountUtil::release);
    DefaultFullHttpResponse established =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    established.headers().set("transfer-encoding", "chunked");
    ch.writeOutbound(established);
    ByteBuf tunnel = (ByteBuf) ch.readOutbound();
    assertThat(tunnel.toString(StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200 OK\r\n\r\n");
    tunnel.release();
    ch.finishAndReleaseAll();
  }
}
