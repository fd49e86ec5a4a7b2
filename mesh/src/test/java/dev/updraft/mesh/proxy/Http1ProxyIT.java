package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestProxy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Http1ProxyIT {
  @Test
  void proxiesRequestsWithBodiesAndReusesConnections() throws Exception {
    try (TestBackend backend = TestBackend.echo();
        TestProxy proxy = TestProxy.explicit(backend.address())) {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> response = proxy.get("/hello?i=" + i);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-path")).hasValue("/hello?i=" + i);
      }
      byte[] big = new byte[1 << 20];
      new Random(1).nextBytes(big);
      HttpResponse<byte[]> echoed =
          proxy
              .client()
              .send(
                  HttpRequest.newBuilder(proxy.uri("/upload"))
                      .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(echoed.statusCode()).isEqualTo(200);
      assertThat(Arrays.equals(echoed.body(), big)).isTrue();
      String metrics = proxy.metrics();
      assertThat(metrics)
          .contains(
              "request_total{direction=\"outbound\",target_addr=\"b\",route=\"default\",tls=\"no_identity\",client_id=\"\",server_id=\"\"} 21")
          .containsPattern("tcp_open_total\\{direction=\"outbound\",peer=\"dst\"\\} [1-3]\n");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (TestBackend backend = TestBackend.echo();
        TestProxy proxy = TestProxy.explicit(backend.address());
        Socket socket = new Socket("127.0.0.1", proxy.port())) {
      socket.setSoTimeout(10_000);
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        requests.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
      String all = readUntil(socket.getInputStream(), "x-path: /p", 5);
      int last = -1;
      for (int i = 0; i < 5; i++) {
        int at = all.toLowerCase(Locale.ROOT).indexOf("x-path: /p" + i);
        assertThat(at).as("response %d present and in order", i).isGreaterThan(last);
        last = at;
      }
    }
  }

  @Test
  void expectContinueAndChunkedUploads() throws Exception {
    try (TestBackend backend = TestBackend.echo();
        TestProxy proxy = TestProxy.explicit(backend.address());
        Socket socket = new Socket("127.0.0.1", proxy.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String interim = readUntil(in, "\r\n\r\n", 1);
      assertThat(interim).startsWith("HTTP/1.1 100 Continue");
      out.write("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String response = readUntil(in, "hello world", 1);
      assertThat(response).startsWith("HTTP/1.1 200").contains("hello world");
    }
  }

  @Test
  void hopByHopHeadersStopAtTheProxy() throws Exception {
    try (TestBackend backend = TestBackend.echo();
        TestProxy proxy = TestProxy.explicit(backend.address())) {
      String response =
          raw(
              proxy.port(),
              "GET /h HTTP/1.1\r\nHost: x\r\nx-hop: secret\r\nConnection: x-hop, close\r\n\r\n");
      assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("x-saw-hop: no");
    }
  }

  @Test
  void unreachableBackendGets502WithL5dProxyError() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (TestProxy proxy = TestProxy.explicit("127.0.0.1:" + closedPort)) {
      HttpResponse<String> response = proxy.get("/");
      assertThat(response.statusCode()).isIn(502, 504);
      assertThat(response.headers().firstValue("l5d-proxy-error")).isPresent();
    }
  }

  @Test
  void malformedRequestsGet400AndTheProxyKeepsServing() throws Exception {
    try (TestBackend backend = TestBackend.echo();
        TestProxy proxy = TestProxy.explicit(backend.address())) {
      try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n".getBytes());
        String response =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(response).startsWith("HTTP/1.1 400");
      }
      try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
        String response =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(response).startsWith("HTTP/1.1 414");
      }
      assertThat(proxy.get("/still-alive").statusCode()).isEqualTo(200);
      assertThat(backend.requests()).isEqualTo(1);
    }
  }

  @Test
  void routesByPathAndAnswers404WhenNoRouteMatches() throws Exception {
    try (TestBackend api = TestBackend.fixed(200, "api", 0);
        TestBackend web = TestBackend.fixed(200, "web", 0);
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                listeners:
                  - name: proxy
                    address: 127.0.0.1:0
                    routes:
                      - {name: api, match: {pathPrefix: /api}, backends: [{name: api}]}
                      - {name: web, match: {hosts: [web.local]}, backends: [{name: web}]}
                backends:
                  - {name: api, endpoints: ["%s"]}
                  - {name: web, endpoints: ["%s"]}
                """
                    .formatted(api.address(), web.address()))) {
      assertThat(proxy.get("/api/x").body()).isEqualTo("api");
      String byHost =
          raw(proxy.port(), "GET /x HTTP/1.1\r\nHost: web.local:80\r\nConnection: close\r\n\r\n");
      assertThat(byHost).startsWith("HTTP/1.1 200").endsWith("web");
      HttpResponse<String> none = proxy.get("/nothing");
      assertThat(none.statusCode()).isEqualTo(404);
      assertThat(none.headers().firstValue("l5d-proxy-error"))
          .hasValueSatisfying(v -> assertThat(v).contains("no route"));
    }
  }

  static String raw(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  static String readUntil(InputStream in, String marker, int occurrences) throws Exception {
    StringBuilder seen = new StringBuilder();
    byte[] buffer = new byte[8192];
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (count(seen.toString().toLowerCase(Locale.ROOT), marker.toLowerCase(Locale.ROOT))
          >= occurrences) {
        return seen.toString();
      }
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
    }
    return seen.toString();
  }

  private static int count(String text, String marker) {
    int n = 0;
    for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) {
      n++;
    }
    return n;
  }
}
