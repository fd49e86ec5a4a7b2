package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.TestProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A backend with a small listen backlog that is slow to accept, as Python's {@code http.server}
 * (backlog 5) is under a burst: Linux drops the SYNs that find the accept queue full, and the
 * client's retransmissions come 1 s and 3 s later. With Linkerd's 1 s connect timeout, exactly the
 * first retransmission's time, those connects failed and the burst got 502s and fail-fast 504s;
 * HAProxy, waiting 5 s, served all of it. The default now outlasts two retransmissions.
 */
class SlowAcceptIT {
  @Test
  void aBurstAtABackendWhoseAcceptQueueOverflowsIsServedInFull() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        TestProxy proxy = TestProxy.explicit("127.0.0.1:" + server.getLocalPort())) {
      Thread backend = Thread.ofPlatform().daemon().start(() -> serveAfter(server, 1_500));
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(
            client.sendAsync(
                HttpRequest.newBuilder(proxy.uri("/" + i)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      List<String> outcomes = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> call : calls) {
        HttpResponse<String> response = call.get();
        outcomes.add(
            response.statusCode()
                + " "
                + response.headers().firstValue("l5d-proxy-error").orElse(response.body()));
      }
      assertThat(outcomes).containsOnly("200 ok");
      backend.interrupt();
    }
  }

  /** Accepts nothing for {@code delayMillis}, then answers each connection once, as HTTP/1.0. */
  private static void serveAfter(ServerSocket server, long delayMillis) {
    try {
      Thread.sleep(delayMillis);
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          InputStream in = socket.getInputStream();
          int matched = 0;
          byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
          while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
              break;
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
          }
          OutputStream out = socket.getOutputStream();
          out.write(
              "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      }
    } catch (InterruptedException | IOException e) {
      // The test is over: the socket was closed or the thread interrupted.
    }
  }
}
