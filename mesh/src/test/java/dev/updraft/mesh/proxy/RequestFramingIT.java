package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.H2Client;
import dev.updraft.mesh.testing.PythonBackend;
import dev.updraft.mesh.testing.RecordingBackend;
import dev.updraft.mesh.testing.TestProxy;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A request's framing comes from its head (RFC 9112 section 6): a body-less request stays
 * body-less, a Content-Length body keeps its length, and a body that breaks off aborts the upstream
 * request instead of completing it. The backends record every byte they receive.
 */
class RequestFramingIT {
  private static final Pattern GET_HEAD =
      Pattern.compile("GET [^\\r\\n]* HTTP/1\\.1\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n");

  @Test
  @EnabledIf(value = "pythonAvailable", disabledReason = "needs python3")
  void bodylessGetsOnReusedConnectionsReachAPythonServerWithoutABody() throws Exception {
    try (PythonBackend python = PythonBackend.start();
        TestProxy proxy = TestProxy.explicit(python.address())) {
      for (int i = 0; i < 200; i++) {
        HttpResponse<String> response = proxy.get("/get/" + i);
        assertThat(response.statusCode()).as("GET %d", i).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from python\n");
      }
      List<String> connections = python.connections();
      int gets = 0;
      for (String bytes : connections) {
        assertThat(bytes.toLowerCase(Locale.ROOT)).doesNotContain("transfer-encoding");
        assertThat(GET_HEAD.matcher(bytes).replaceAll(""))
            .as("nothing but GET heads on the wire")
            .isEmpty();
        gets += (int) GET_HEAD.matcher(bytes).results().count();
      }
      assertThat(gets).isEqualTo(200);
      assertThat(connections.size()).as("upstream connections were reused").isLessThan(50);
    }
  }

  @Test
  @EnabledIf(value = "pythonAvailable", disabledReason = "needs python3")
  void contentLengthBodiesKeepTheirLengthAndHttp2HeadersOnlyRequestsHaveNoBody() throws Exception {
    try (PythonBackend python = PythonBackend.start();
        TestProxy proxy = TestProxy.explicit(python.address());
        H2Client h2 = new H2Client(proxy.port())) {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> posted =
            proxy.send(
                HttpRequest.newBuilder(proxy.uri("/post"))
                    .POST(HttpRequest.BodyPublishers.ofString("hello"))
                    .build());
        assertThat(posted.body()).isEqualTo("5\n");
        assertThat(h2.request("GET", "/h2get/" + i, null, null).text())
            .isEqualTo("hello from python\n");
        H2Client.Response h2Post =
            h2.request(
                "POST",
                "/h2post",
                new DefaultHttp2Headers().set("content-length", "3"),
                "abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(h2Post.text()).isEqualTo("3\n");
      }
      String all = String.join("", python.connections()).toLowerCase(Locale.ROOT);
      assertThat(all).doesNotContain("transfer-encoding").doesNotContain("\r\n0\r\n");
      assertThat(all).contains("content-length: 5\r\n").contains("content-length: 3\r\n");
      String h2Gets =
          Pattern.compile("get /h2get/[0-9]+ http/1\\.1\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n")
              .matcher(all)
              .results()
              .map(m -> m.group())
              .reduce("", String::concat);
      assertThat(h2Gets).isNotEmpty().doesNotContain("content-length");
    }
  }

  @Test
  void aChunkedBodyTheClientAbandonsIsNotCompletedUpstream() throws Exception {
    try (RecordingBackend backend = RecordingBackend.silent();
        TestProxy proxy = TestProxy.explicit(backend.address())) {
      try (Socket client = new Socket("127.0.0.1", proxy.port())) {
        send(client, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        send(client, "5\r\nhello\r\n");
        awaitReceived(backend, "hello");
      }
      String received = onlyEndedConnection(backend);
      assertThat(received).contains("hello").doesNotContain("0\r\n\r\n");
    }
  }

  @Test
  void aContentLengthBodyTheClientAbandonsIsNotCompletedUpstream() throws Exception {
    try (RecordingBackend backend = RecordingBackend.silent();
        TestProxy proxy = TestProxy.explicit(backend.address())) {
      try (Socket client = new Socket("127.0.0.1", proxy.port())) {
        send(client, "PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
        awaitReceived(backend, "0123456789");
      }
      String received = onlyEndedConnection(backend);
      assertThat(received.substring(received.indexOf("\r\n\r\n") + 4)).isEqualTo("0123456789");
    }
  }

  @Test
  void aChunkedBodyThatTurnsInvalidGets400AndAbortsTheUpstreamRequest() throws Exception {
    try (RecordingBackend backend = RecordingBackend.silent();
        TestProxy proxy = TestProxy.explicit(backend.address());
        Socket client = new Socket("127.0.0.1", proxy.port())) {
      client.setSoTimeout(10_000);
      send(client, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      send(client, "5\r\nhello\r\n");
      awaitReceived(backend, "hello");
      send(client, "zz\r\nnot a chunk\r\n\r\n");
      String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400");
      String received = onlyEndedConnection(backend);
      assertThat(received).contains("hello").doesNotContain("0\r\n\r\n");
    }
  }

  @Test
  void anHttp2StreamResetMidBodyAbortsTheUpstreamRequest() throws Exception {
    try (RecordingBackend backend = RecordingBackend.silent();
        TestProxy proxy = TestProxy.explicit(backend.address());
        H2Client client = new H2Client(proxy.port())) {
      Http2StreamChannel stream = sendHello(client, backend);
      stream.close().sync(); // RST_STREAM(CANCEL)
      String received = onlyEndedConnection(backend);
      assertThat(received).contains("hello").doesNotContain("0\r\n\r\n");
    }
  }

  @Test
  void anHttp2BodyThatStallsResetsItsStreamAndAbortsTheUpstreamRequest() throws Exception {
    try (RecordingBackend backend = RecordingBackend.silent();
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                connectionTimeouts: {requestBody: 1s}
                listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
                backends: [{name: b, endpoints: ["%s"]}]
                """
                    .formatted(backend.address()));
        H2Client client = new H2Client(proxy.port())) {
      Http2StreamChannel stream = sendHello(client, backend);
      // Nothing more: after the timeout the proxy resets the stream, not the connection.
      assertThat(stream.closeFuture().await(10, TimeUnit.SECONDS)).as("stream reset").isTrue();
      String received = onlyEndedConnection(backend);
      assertThat(received).contains("hello").doesNotContain("0\r\n\r\n");
      assertThat(client.connected()).isTrue();
    }
  }

  static boolean pythonAvailable() {
    return dev.updraft.sys.Host.hasCommand("python3");
  }

  private static void send(Socket socket, String text) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Opens a POST stream, sends "hello" of its body and waits until the backend has it. */
  private static Http2StreamChannel sendHello(H2Client client, RecordingBackend backend)
      throws Exception {
    Http2StreamChannel stream = client.openStream("/up", new DefaultHttp2Headers());
    stream
        .writeAndFlush(
            new DefaultHttp2DataFrame(
                Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII), false))
        .sync();
    awaitReceived(backend, "hello");
    return stream;
  }

  private static void awaitReceived(RecordingBackend backend, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (backend.connections().stream().anyMatch(c -> c.received().contains(text))) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the backend never received " + text);
  }

  private static String onlyEndedConnection(RecordingBackend backend) throws Exception {
    List<RecordingBackend.Connection> connections = backend.awaitEnded(1, Duration.ofSeconds(10));
    assertThat(connections).hasSize(1);
    assertThat(connections.getFirst().ended())
        .as("the proxy closed the upstream connection")
        .isTrue();
    return connections.getFirst().received();
  }
}
