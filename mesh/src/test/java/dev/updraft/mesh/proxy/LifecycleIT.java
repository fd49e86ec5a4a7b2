package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.testing.GrpcServer;
import dev.updraft.mesh.testing.H2Client;
import dev.updraft.mesh.testing.RawServers;
import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestProxy;
import dev.updraft.mesh.transport.Transport;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Idle timeouts, resets, CONNECT, the access log and graceful shutdown. */
class LifecycleIT {
  @Test
  void anIdleExchangeTimesOutWith504() throws Exception {
    try (TestBackend slow = TestBackend.fixed(200, "late", 3000);
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                listeners: [{name: proxy, address: "127.0.0.1:0", routes: [{name: r, backends: [{name: s}], timeouts: {idle: 300ms}}]}]
                backends: [{name: s, endpoints: ["%s"]}]
                """
                    .formatted(slow.address()))) {
      HttpResponse<String> response = proxy.get("/");
      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.headers().firstValue("l5d-proxy-error").orElse(""))
          .contains("idle timeout");
      assertThat(proxy.metrics()).contains("error=\"IDLE_TIMEOUT\"");
    }
  }

  @Test
  void aClientResetCancelsTheBackendStream() throws Exception {
    try (GrpcServer server = new GrpcServer();
        TestProxy proxy = TestProxy.explicit("127.0.0.1:" + server.port());
        H2Client client = new H2Client(proxy.port())) {
      Http2StreamChannel stream =
          client.openStream(
              "/svc/Hang",
              new DefaultHttp2Headers().set("content-type", "application/grpc").set("x-hang", "1"));
      Thread.sleep(300); // the request reaches the backend, which never answers
      stream.close().sync(); // RST_STREAM(CANCEL)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (server.closedUnanswered() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.closedUnanswered()).as("backend stream reset by the proxy").isEqualTo(1);
    }
  }

  @Test
  void connectBecomesAByteTunnelThatCarriesTheBytesSentWithIt() throws Exception {
    try (RawServers target = RawServers.connectTarget();
        TestProxy proxy = TestProxy.explicit("127.0.0.1:" + target.port());
        Socket client = new Socket("127.0.0.1", proxy.port())) {
      client.setSoTimeout(5000);
      // One write: the first tunnel bytes (a TLS ClientHello, say) follow the request at once.
      client
          .getOutputStream()
          .write(
              "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\nearly bytes"
                  .getBytes(StandardCharsets.US_ASCII));
      String received = Http1ProxyIT.readUntil(client.getInputStream(), "EARLY BYTES", 1);
      assertThat(received).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nEARLY BYTES");
      client.getOutputStream().write("tunnelled bytes".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(client.getInputStream().readNBytes(15), StandardCharsets.US_ASCII))
          .isEqualTo("TUNNELLED BYTES");
    }
  }

  @Test
  void theAccessLogWritesOneJsonLinePerRequest() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (TestBackend backend = TestBackend.fixed(200, "ok", 0)) {
      MeshProxy proxy =
          MeshProxy.start(
              ConfigFile.parse(
                  "t.yaml",
                  """
                  admin: 127.0.0.1:0
                  accessLog: true
                  listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
                  backends: [{name: b, endpoints: ["%s"]}]
                  """
                      .formatted(backend.address())),
              Transport.select(false),
              new PrintStream(log, true, StandardCharsets.UTF_8));
      try (proxy;
          Socket socket = new Socket("127.0.0.1", proxy.address("proxy").getPort())) {
        socket
            .getOutputStream()
            .write(
                "GET /logged?q=1 HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n".getBytes());
        socket.getInputStream().readAllBytes();
      }
    }
    String line = log.toString(StandardCharsets.UTF_8).strip();
    assertThat(line)
        .startsWith("{\"timestamp\":\"")
        .contains("\"method\":\"GET\"")
        .contains("\"uri\":\"/logged?q=1\"")
        .contains("\"authority\":\"shop\"")
        .contains("\"status\":200")
        .contains("\"route\":\"default\"");
  }

  @Test
  void shutdownLetsRequestsInFlightFinishAndRefusesNewConnections() throws Exception {
    try (TestBackend slow = TestBackend.fixed(200, "finished", 800);
        TestProxy proxy = TestProxy.explicit(slow.address())) {
      CompletableFuture<HttpResponse<String>> inFlight =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return proxy.get("/slow");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(200);
      CompletableFuture<Void> done = proxy.proxy().shutdown(Duration.ofSeconds(10));
      Thread.sleep(100);
      assertThatThrownBy(() -> new Socket("127.0.0.1", proxy.port()).close())
          .isInstanceOf(ConnectException.class);
      HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("finished");
      done.get(10, TimeUnit.SECONDS);
    }
  }
}
