package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.GrpcServer;
import dev.updraft.mesh.testing.H2Client;
import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestProxy;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class Http2AndGrpcIT {
  private static Http2Headers grpcHeaders() {
    return new DefaultHttp2Headers().set("content-type", "application/grpc").set("te", "trailers");
  }

  @Test
  void http2ClientsReachAnHttp1Backend() throws Exception {
    try (TestBackend backend = TestBackend.echo();
        TestProxy proxy = TestProxy.explicit(backend.address());
        H2Client client = new H2Client(proxy.port())) {
      H2Client.Response get = client.request("GET", "/h2?x=1", null, null);
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.headers().get("x-path").toString()).isEqualTo("/h2?x=1");
      H2Client.Response post =
          client.request("POST", "/echo", null, "payload".getBytes(StandardCharsets.UTF_8));
      assertThat(post.text()).isEqualTo("payload");
      // Many concurrent streams on one client connection.
      List<CompletableFuture<H2Client.Response>> streams = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        streams.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return client.request("GET", "/s" + n, null, null);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      for (int i = 0; i < 50; i++) {
        assertThat(streams.get(i).get().headers().get("x-path").toString()).isEqualTo("/s" + i);
      }
    }
  }

  @Test
  void bodiesLargerThanTheFlowControlWindowsCrossBothWays() throws Exception {
    // 65,535 bytes per stream and per connection at first: every byte beyond needs the credit the
    // proxy returns as the backend takes the body, and the client returns for the response.
    try (TestBackend backend = TestBackend.echo();
        TestProxy proxy = TestProxy.explicit(backend.address());
        H2Client client = new H2Client(proxy.port())) {
      Random random = new Random(7);
      byte[] large = new byte[3 << 20];
      random.nextBytes(large);
      assertThat(client.request("POST", "/large", null, large).body()).isEqualTo(large);
      List<byte[]> bodies = new ArrayList<>();
      List<CompletableFuture<H2Client.Response>> streams = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        byte[] body = new byte[512 << 10];
        random.nextBytes(body);
        bodies.add(body);
        streams.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return client.request("POST", "/many", null, body);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      for (int i = 0; i < 8; i++) {
        assertThat(streams.get(i).get().body()).isEqualTo(bodies.get(i));
      }
    }
  }

  @Test
  void grpcUnaryAndServerStreamingKeepTheirTrailers() throws Exception {
    try (GrpcServer server = new GrpcServer();
        TestProxy proxy = TestProxy.explicit("127.0.0.1:" + server.port());
        H2Client client = new H2Client(proxy.port())) {
      byte[] message = GrpcServer.frame("ping");
      H2Client.Response unary = client.request("POST", "/svc/Unary", grpcHeaders(), message);
      assertThat(unary.status()).isEqualTo(200);
      assertThat(unary.body()).isEqualTo(message);
      assertThat(unary.trailer("grpc-status")).isEqualTo("0");

      Http2Headers streaming = grpcHeaders().set("x-repeat", "5");
      H2Client.Response stream = client.request("POST", "/svc/Stream", streaming, message);
      assertThat(stream.body()).hasSize(message.length * 5);
      assertThat(stream.trailer("grpc-status")).isEqualTo("0");

      Http2Headers failing = grpcHeaders().set("x-grpc-status", "7");
      H2Client.Response denied = client.request("POST", "/svc/Unary", failing, message);
      assertThat(denied.trailer("grpc-status")).isEqualTo("7");
      assertThat(proxy.metrics()).contains("classification=\"failure\"");
    }
  }

  @Test
  void grpcUnavailableInTrailersIsRetriedWhenTheRouteSaysSo() throws Exception {
    try (GrpcServer server = new GrpcServer();
        TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                listeners:
                  - name: proxy
                    address: 127.0.0.1:0
                    routes: [{name: rpc, backends: [{name: g}], retry: {limit: 2, grpc: [unavailable]}}]
                backends: [{name: g, endpoints: ["127.0.0.1:%d"]}]
                """
                    .formatted(server.port()));
        H2Client client = new H2Client(proxy.port())) {
      Http2Headers flaky = grpcHeaders().set("x-fail-first", "1");
      H2Client.Response response =
          client.request("POST", "/svc/Flaky", flaky, GrpcServer.frame("again"));
      assertThat(response.trailer("grpc-status")).isEqualTo("0");
      assertThat(server.requests()).isEqualTo(2);
      assertThat(proxy.metrics())
          .contains(
              "outbound_http_route_retry_requests_total{direction=\"outbound\",route=\"rpc\"} 1");
    }
  }

  @Test
  void aSplitBetweenAnHttp1AndAnHttp2BackendSpeaksEachBackendsProtocol() throws Exception {
    for (boolean http1First : new boolean[] {true, false}) {
      Set<String> protocols = ConcurrentHashMap.newKeySet();
      try (TestBackend h1 =
              TestBackend.start(
                  exchange -> {
                    protocols.add(exchange.getProtocol());
                    TestBackend.respond(exchange, 200, "h1");
                  });
          GrpcServer h2 = new GrpcServer()) {
        String one = "{name: one, endpoints: [\"%s\"]}".formatted(h1.address());
        String two =
            "{name: two, endpoints: [\"127.0.0.1:%d\"], protocol: http2}".formatted(h2.port());
        try (TestProxy proxy =
            TestProxy.start(
                """
                admin: 127.0.0.1:0
                eventLoops: 2
                listeners:
                  - name: proxy
                    address: 127.0.0.1:0
                    routes: [{name: split, backends: [{name: %s, weight: 50}, {name: %s, weight: 50}]}]
                backends: [%s, %s]
                """
                    .formatted(
                        http1First ? "one" : "two",
                        http1First ? "two" : "one",
                        http1First ? one : two,
                        http1First ? two : one))) {
          for (int i = 0; i < 60; i++) {
            assertThat(proxy.get("/split/" + i).statusCode()).as("request %d", i).isEqualTo(200);
          }
        }
        // The HTTP/2 server answers only HTTP/2 (prior knowledge) and the JDK server only HTTP/1.
        assertThat(h1.requests()).isGreaterThan(5);
        assertThat(protocols).containsExactly("HTTP/1.1");
        assertThat(h2.requests()).isGreaterThan(5);
        assertThat(h1.requests() + h2.requests()).isEqualTo(60);
      }
    }
  }
}
