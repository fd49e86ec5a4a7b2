package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.LimitedH2Server;
import dev.updraft.mesh.testing.TestProxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The proxy speaks HTTP/2 to a backend with a small SETTINGS_MAX_CONCURRENT_STREAMS: many requests
 * at once all get answered, and the backend never sees more streams on a connection than it allows;
 * streams it refuses (REFUSED_STREAM, GOAWAY) are sent again, even a POST.
 */
class Http2StreamLimitIT {
  private static TestProxy proxy(LimitedH2Server server) {
    return TestProxy.start(
        """
        admin: 127.0.0.1:0
        eventLoops: 2
        listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
        backends: [{name: b, endpoints: ["127.0.0.1:%d"], protocol: http2}]
        """
            .formatted(server.port()));
  }

  private static List<HttpResponse<String>> send(TestProxy proxy, String method, int n)
      throws Exception {
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpRequest request =
          HttpRequest.newBuilder(proxy.uri("/r" + i))
              .timeout(Duration.ofSeconds(30))
              .method(
                  method,
                  method.equals("POST")
                      ? HttpRequest.BodyPublishers.ofString("body" + i)
                      : HttpRequest.BodyPublishers.noBody())
              .build();
      sent.add(proxy.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : sent) {
      responses.add(f.get());
    }
    return responses;
  }

  @Test
  void manyConcurrentRequestsStayWithinTheBackendsStreamLimitAndAllSucceed() throws Exception {
    try (LimitedH2Server server = new LimitedH2Server(2, 50, 0, false);
        TestProxy proxy = proxy(server)) {
      List<HttpResponse<String>> responses = send(proxy, "GET", 96);
      assertThat(responses)
          .allSatisfy(
              r -> {
                assertThat(r.statusCode()).as(r.headers().map().toString()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
              });
      assertThat(server.answered()).isEqualTo(96);
      assertThat(server.maxOpenOnAConnection()).isBetween(1, 2);
      assertThat(server.unplannedResets()).isZero();
      // Full connections brought more, but within the bound (4 per event loop).
      assertThat(server.connections()).isBetween(1, 8);
    }
  }

  @Test
  void aFullConnectionBringsBoundedMoreAndTheIdleExtrasCloseAgain() throws Exception {
    try (LimitedH2Server server = new LimitedH2Server(2, 100, 0, false);
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                eventLoops: 1
                connectionTimeouts: {upstreamIdle: 300ms}
                listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
                backends: [{name: b, endpoints: ["127.0.0.1:%d"], protocol: http2}]
                """
                    .formatted(server.port()))) {
      List<HttpResponse<String>> responses = send(proxy, "GET", 32);
      assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      assertThat(server.answered()).isEqualTo(32);
      assertThat(server.maxOpenOnAConnection()).isBetween(1, 2);
      // One event loop: its pool opened more than one connection, and no more than its bound.
      assertThat(server.connections()).isBetween(2, 4);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (server.openConnections() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(server.openConnections()).as("connections left open after idling").isEqualTo(1);
      // The one kept still serves, without a new connection.
      assertThat(send(proxy, "GET", 1).getFirst().statusCode()).isEqualTo(200);
      assertThat(server.connections()).isBetween(2, 4);
    }
  }

  @Test
  void aBackendThatNeverSendsItsSettingsFailsTheRequestAsAConnectError() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
                backends: [{name: b, endpoints: ["127.0.0.1:%d"], protocol: http2,
                            connectTimeout: 300ms, failfastTimeout: 20s}]
                """
                    .formatted(silent.getLocalPort()))) {
      HttpResponse<String> response = send(proxy, "GET", 1).getFirst();
      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.headers().firstValue("l5d-proxy-error").orElseThrow())
          .contains("no HTTP/2 SETTINGS");
    }
  }

  @Test
  void refusedStreamsAreSentAgainEvenForAPost() throws Exception {
    try (LimitedH2Server server = new LimitedH2Server(2, 10, 2, false);
        TestProxy proxy = proxy(server)) {
      List<HttpResponse<String>> responses = send(proxy, "POST", 8);
      assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      assertThat(server.answered()).isEqualTo(8);
      assertThat(proxy.metrics()).doesNotContain("UPSTREAM_RESET");
    }
  }

  @Test
  void streamsAboveAGoAwaysLastIdAreSentAgainOnANewConnection() throws Exception {
    try (LimitedH2Server server = new LimitedH2Server(2, 10, 0, true);
        TestProxy proxy = proxy(server)) {
      List<HttpResponse<String>> responses = send(proxy, "POST", 8);
      assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      assertThat(server.goAwaySent()).isTrue();
      assertThat(server.answered()).isEqualTo(8);
      assertThat(server.connections()).isGreaterThanOrEqualTo(2);
    }
  }
}
