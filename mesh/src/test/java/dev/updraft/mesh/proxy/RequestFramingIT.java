package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.H2Client;
import dev.updraft.mesh.testing.PythonBackend;
import dev.updraft.mesh.testing.TestProxy;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A request's framing comes from its head (RFC 9112 section 6): a body-less request stays body-less
 * and a Content-Length body keeps its length. The backends record every byte they receive.
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
        assertThat(bytes.toLowerCase()).doesNotContain("transfer-encoding");
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
      String all = String.join("", python.connections()).toLowerCase();
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

  static boolean pythonAvailable() {
    return dev.updraft.sys.Host.hasCommand("python3");
  }
}
