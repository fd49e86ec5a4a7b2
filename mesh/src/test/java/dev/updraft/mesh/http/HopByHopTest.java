package dev.updraft.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopTest {
  @Test
  void removesHopByHopHeadersAndThoseConnectionNames() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("connection", "keep-alive, x-secret");
    h.set("x-secret", "1");
    h.set("keep-alive", "timeout=5");
    h.set("proxy-connection", "keep-alive");
    h.set("transfer-encoding", "chunked");
    h.set("upgrade", "websocket");
    h.set("te", "gzip");
    h.set("x-keep", "yes");
    HopByHop.prepare(h, false, true, false);
    assertThat(h.names()).containsExactlyInAnyOrder("x-keep", "transfer-encoding");
    assertThat(h.get("transfer-encoding")).isEqualTo("chunked");
  }

  @Test
  void keepsTeTrailersForHttp2AndTheUpgradeForTunnels() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("te", "trailers");
    h.set("content-length", "3");
    HopByHop.prepare(h, true, true, false);
    assertThat(h.get("te")).isEqualTo("trailers");
    assertThat(h.contains("transfer-encoding")).isFalse();

    HttpHeaders ws = new DefaultHttpHeaders();
    ws.set("connection", "Upgrade");
    ws.set("upgrade", "websocket");
    HopByHop.prepare(ws, false, false, true);
    assertThat(ws.get("upgrade")).isEqualTo("websocket");
    assertThat(ws.get("connection")).isEqualTo("upgrade");
  }
}
