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
import java.util.concurrent.CompletableFuture;
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
}
