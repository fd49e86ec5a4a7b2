package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.RawServers;
import dev.updraft.mesh.testing.TestProxy;
import dev.updraft.mesh.transport.FreePorts;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TunnelAndTcpIT {
  @Test
  void webSocketEchoThroughTheProxy() throws Exception {
    try (RawServers server = RawServers.webSocketEcho();
        TestProxy proxy = TestProxy.explicit("127.0.0.1:" + server.port())) {
      CompletableFuture<String> received = new CompletableFuture<>();
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                        WebSocket ws, CharSequence data, boolean last) {
                      received.complete(data.toString());
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("echo: hello");
      socket.abort();
    }
  }

  @Test
  void serverSpeaksFirstOnAnOpaquePortWithoutDelayAndHalfCloseWorks() throws Exception {
    int port = FreePorts.any();
    try (RawServers server = RawServers.banner("220 ready\r\n");
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                detectTimeout: 30s
                opaquePorts: [%d]
                listeners: [{name: proxy, address: "127.0.0.1:%d", backend: smtp}]
                backends: [{name: smtp, endpoints: ["127.0.0.1:%d"]}]
                """
                    .formatted(port, port, server.port()));
        Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(5_000);
      long start = System.nanoTime();
      String banner = read(client.getInputStream(), "220 ready\r\n".length());
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(banner).isEqualTo("220 ready\r\n");
      assertThat(waitedMillis)
          .as("the banner does not wait for the 30 s detect timeout")
          .isLessThan(5_000);
      client.getOutputStream().write("helo\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(read(client.getInputStream(), 6)).isEqualTo("HELO\r\n");
      client.shutdownOutput();
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("bye");
      assertThat(proxy.metrics())
          .contains("tcp_detect_protocol_total{direction=\"outbound\",protocol=\"opaque\"} 1");
    }
  }

  @Test
  void nonHttpClientsAreForwardedAsOpaqueTcp() throws Exception {
    try (RawServers server = RawServers.banner("");
        TestProxy proxy = TestProxy.explicit("127.0.0.1:" + server.port());
        Socket client = new Socket("127.0.0.1", proxy.port())) {
      client.setSoTimeout(5_000);
      client.getOutputStream().write("\u0001binary-protocol".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(read(client.getInputStream(), 16)).isEqualTo("\u0001BINARY-PROTOCOL");
    }
  }

  private static String read(InputStream in, int n) throws Exception {
    byte[] bytes = in.readNBytes(n);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
