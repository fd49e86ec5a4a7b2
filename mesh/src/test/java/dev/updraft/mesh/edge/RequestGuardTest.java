package dev.updraft.mesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard alone, fed decoded messages as Netty's codec emits them. */
class RequestGuardTest {
  private final Recorder recorder = new Recorder();
  private final List<Object> seen = recorder.seen;
  private final List<Throwable> errors = recorder.errors;
  private final EmbeddedChannel ch = new EmbeddedChannel(new RequestGuard(), recorder);

  private static HttpRequest post() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    request.headers().set("host", "a").set("transfer-encoding", "chunked");
    return request;
  }

  private static LastHttpContent brokenChunk() {
    LastHttpContent broken = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    broken.setDecoderResult(DecoderResult.failure(new NumberFormatException("Invalid chunk")));
    return broken;
  }

  @Test
  void messagesOfOneReadWaitForItsEnd() {
    ch.pipeline().fireChannelRead(post());
    ch.pipeline().fireChannelRead(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {1})));
    assertThat(seen).isEmpty();
    ch.pipeline().fireChannelReadComplete();
    assertThat(seen).hasSize(2);
    release();
  }

  @Test
  void aBodyBrokenInTheReadOfItsHeadRefusesTheWholeRequest() {
    HttpContent chunk = new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {1}));
    ch.pipeline().fireChannelRead(post());
    ch.pipeline().fireChannelRead(chunk);
    ch.pipeline().fireChannelRead(brokenChunk());
    ch.pipeline().fireChannelReadComplete();
    assertThat(seen).hasSize(1);
    HttpRequest refused = (HttpRequest) seen.getFirst();
    assertThat(refused.decoderResult().cause())
        .isInstanceOf(EdgeException.class)
        .hasMessageContaining("Invalid chunk");
    assertThat(chunk.refCnt()).as("dropped chunk released").isZero();
  }

  @Test
  void aBodyBrokenLaterIsNeverCompletedButFailsTheConnection() {
    ch.pipeline().fireChannelRead(post());
    ch.pipeline().fireChannelReadComplete();
    ch.pipeline().fireChannelRead(brokenChunk());
    ch.pipeline().fireChannelReadComplete();
    assertThat(seen).hasSize(1).noneMatch(m -> m instanceof LastHttpContent);
    assertThat(errors).singleElement().isInstanceOf(EdgeException.class);
    // Whatever the codec decodes afterwards stays here.
    ch.pipeline().fireChannelRead(post());
    ch.pipeline().fireChannelReadComplete();
    assertThat(seen).hasSize(1);
  }

  @Test
  void aRequestBreakingTheRulesArrivesFailedWithItsStatus() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    ch.pipeline().fireChannelRead(request);
    ch.pipeline().fireChannelReadComplete();
    assertThat(((EdgeException) request.decoderResult().cause()).status()).isEqualTo(400);
    assertThat(request.decoderResult().cause()).hasMessageContaining("host: missing");
  }

  @Test
  void hostLeavesATrailerSectionOtherFieldsStay() {
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    last.trailingHeaders().set("host", "other").set("x-checksum", "1");
    ch.pipeline().fireChannelRead(post());
    ch.pipeline().fireChannelRead(last);
    ch.pipeline().fireChannelReadComplete();
    assertThat(seen).hasSize(2);
    assertThat(last.trailingHeaders().names()).containsExactly("x-checksum");
    ch.pipeline().fireChannelRead(post());
    ch.pipeline().fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
    ch.pipeline().fireChannelReadComplete();
    assertThat(errors).as("an empty, immutable trailer section passes").isEmpty();
    release();
  }

  private void release() {
    recorder.release();
  }
}
