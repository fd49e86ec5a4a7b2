package dev.updraft.mesh.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Detection on arbitrary first bytes: it never throws, never consumes, always decides something,
 * and a server name it reports is printable.
 */
class ProtocolDetectorFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void detect(byte[] data) {
    ByteBuf in = Unpooled.wrappedBuffer(data);
    Detection detection = ProtocolDetector.detect(in);
    Detection onTimeout = ProtocolDetector.onTimeout(in);
    assertThat(in.readerIndex()).isZero();
    assertThat(detection).isNotNull();
    assertThat(onTimeout).isNotInstanceOf(Detection.NeedMore.class);
    if (detection instanceof Detection.Tls tls && tls.sni() != null) {
      assertThat(tls.sni()).matches("[\\x21-\\x7e]+");
    }
    if (data.length >= ProtocolDetector.MAX_PEEK) {
      assertThat(detection).isNotInstanceOf(Detection.NeedMore.class);
    }
  }
}
