package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.updraft.mesh.edge.RequestRules;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Arrays;

/**
 * Arbitrary bytes from a client through the listener's HTTP/1 pipeline, whole and split in two
 * reads: no exception escapes, and every request that would go upstream has one meaning (it passes
 * the request rules, with at most one framing header, and a transfer coding of chunked alone).
 */
class Http1RequestFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void pipeline(byte[] data) {
    check(data);
    int split = data.length == 0 ? 0 : (data[0] & 0xff) % data.length;
    check(Arrays.copyOfRange(data, 0, split), Arrays.copyOfRange(data, split, data.length));
  }

  private static void check(byte[]... reads) {
    try (Http1Channel ch = new Http1Channel()) {
      for (byte[] read : reads) {
        if (ch.channel.isOpen()) {
          ch.send(read);
        }
      }
      ch.output();
      ch.channel.checkException();
      for (HttpRequest request : ch.routed) {
        assertThat(request.decoderResult().isSuccess()).isTrue();
        RequestRules.check(request);
        HttpHeaders headers = request.headers();
        int lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH).size();
        boolean chunked = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
        assertThat(lengths).isLessThanOrEqualTo(1);
        assertThat(lengths == 1 && chunked).as("Content-Length beside chunked").isFalse();
      }
    }
  }
}
