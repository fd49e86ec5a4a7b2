package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.H2Client;
import dev.updraft.mesh.testing.RecordingBackend;
import dev.updraft.mesh.testing.TestProxy;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

/**
 * Malformed HTTP/2 requests (RFC 9113 section 8.1.1) on one connection: each bad stream is reset
 * with PROTOCOL_ERROR and never reaches the backend, and a good stream on the same connection still
 * gets its answer.
 */
class Http2MalformedIT {
  private static Http2Headers request(String path) {
    return new DefaultHttp2Headers(false).method("GET").scheme("http").authority("a").path(path);
  }

  @Test
  void aBadStreamIsResetAndTheConnectionServesTheNext() throws Exception {
    Http2Headers[] malformed = {
      request("/upper").add("X-Upper", "1"),
      request("/connection").add("connection", "keep-alive"),
      request("/te").add("te", "gzip"),
      request("/transfer-encoding").add("transfer-encoding", "chunked"),
      new DefaultHttp2Headers(false).method("GET").scheme("http").authority("a"),
      new DefaultHttp2Headers(false).scheme("http").authority("a").path("/no-method"),
      request("relative"),
      request("/host").add("host", "b"),
      request("/ctl\u0001"),
      request("/duplicate").add(":path", "/again"),
    };
    try (RecordingBackend backend = RecordingBackend.ok();
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                eventLoops: 1
                listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
                backends: [{name: b, endpoints: ["%s"]}]
                """
                    .formatted(backend.address()));
        H2Client client = new H2Client(proxy.port(), false)) {
      for (Http2Headers headers : malformed) {
        assertThat(client.outcome(headers, null)).as(headers.toString()).isEqualTo("reset 1");
      }
      Http2Headers longer = request("/length").method("POST").add("content-length", "5");
      assertThat(client.outcome(longer, "abc")).isEqualTo("reset 1");
      assertThat(client.outcome(request("/good"), null)).isEqualTo("status 200");
      assertThat(client.connected()).isTrue();
      assertThat(backend.received()).startsWith("GET /good ").doesNotContain("/upper");
    }
  }
}
