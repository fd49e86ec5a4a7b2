package dev.updraft.mesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Arbitrary bytes from a backend through the strict client codec and the response guard: what
 * passes is a successfully decoded message that obeys the response rules, every failure is an
 * {@link EdgeException} with status 502, and the input is released.
 */
class Http1ResponseFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void response(byte[] data) {
    Recorder recorder = new Recorder();
    EmbeddedChannel ch = new EmbeddedChannel(Http1Codecs.client(), new ResponseGuard(), recorder);
    HttpMethod method = data.length > 0 && (data[0] & 1) == 1 ? HttpMethod.HEAD : HttpMethod.GET;
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
    ch.releaseOutbound();
    ByteBuf input = Unpooled.copiedBuffer(data);
    ch.writeInbound(input);
    ch.finish();
    for (Object msg : recorder.seen) {
      if (msg instanceof HttpObject object) {
        assertThat(object.decoderResult().isSuccess()).isTrue();
      }
      if (msg instanceof HttpResponse response) {
        ResponseRules.check(response);
      }
      ReferenceCountUtil.release(msg);
    }
    for (Throwable error : recorder.errors) {
      assertThat(error).isInstanceOf(EdgeException.class);
      assertThat(((EdgeException) error).status()).isEqualTo(502);
    }
    assertThat(data.length == 0 || input.refCnt() == 0).as("input released").isTrue();
    ch.finishAndReleaseAll();
  }
}
