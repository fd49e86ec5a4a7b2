package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.RecordingBackend;
import dev.updraft.mesh.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The proxy's edges over real sockets, in front of a backend that records every byte: what is
 * refused never reaches it, what is valid reaches it intact, and what it answers wrongly reaches no
 * client.
 */
class EdgeIT {
  private static TestProxy proxy(RecordingBackend backend, String extra) {
    return TestProxy.start(
        """
        admin: 127.0.0.1:0
        eventLoops: 1
        %s
        listeners: [{name: proxy, address: "127.0.0.1:0", backend: b}]
        backends: [{name: b, endpoints: ["%s"]}]
        """
            .formatted(extra, backend.address()));
  }

  /** Sends raw bytes and reads until the proxy closes the connection or goes quiet. */
  private static String exchange(int port, String raw, int quietMillis) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(quietMillis);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      return readAll(socket.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
      out.write("<EOF>".getBytes(StandardCharsets.US_ASCII));
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // quiet, or reset: what came so far is the answer
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void refusedRequestsNeverReachTheBackendAndValidOnesArriveIntact() throws Exception {
    List<String[]> refused =
        List.of(
            new String[] {
              "400",
              "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            },
            new String[] {
              "501",
              "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
            },
            new String[] {
              "400",
              "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"
            },
            new String[] {
              "400",
              "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x1\r\nx\r\n0\r\n\r\n"
            },
            new String[] {"400", "GET / HTTP/1.1\nHost: a\n\n"},
            new String[] {"400", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n"},
            new String[] {"400", "GET /a\u0001 HTTP/1.1\r\nHost: a\r\n\r\n"},
            new String[] {"400", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
            new String[] {"400", "GET / HTTP/1.1\r\n\r\n"},
            new String[] {"400", "GET http://b/ HTTP/1.1\r\nHost: a\r\n\r\n"},
            new String[] {"400", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"},
            // Starts like HTTP, so it is HTTP: a malformed line is refused, not relayed as TCP.
            new String[] {"400", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"},
            new String[] {"400", "GET / SPDY/3\r\nHost: a\r\n\r\n"},
            // Blank lines first are allowed and skipped; the request after them is still checked.
            new String[] {"400", "\r\nGET / HTTP/1.1\r\n\r\n"},
            new String[] {"414", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n"},
            new String[] {
              "431", "GET / HTTP/1.1\r\nHost: a\r\nX: " + "a".repeat(17000) + "\r\n\r\n"
            });
    try (RecordingBackend backend = RecordingBackend.ok();
        TestProxy proxy = proxy(backend, "")) {
      for (String[] c : refused) {
        String answer = exchange(proxy.port(), c[1], 5000);
        assertThat(answer).as(c[1]).startsWith("HTTP/1.1 " + c[0]).endsWith("<EOF>");
        assertThat(answer.toLowerCase(Locale.ROOT)).contains("l5d-proxy-error: ");
      }
      assertThat(backend.received()).as("the backend received nothing").isEmpty();

      String post = "POST /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
      String answer = exchange(proxy.port(), post, 1000);
      assertThat(answer).startsWith("HTTP/1.1 200 ");
      assertThat(backend.received()).isEqualTo(post);
    }
  }

  @Test
  void aChunkTurningInvalidMidBodyAbortsTheUpstreamRequest() throws Exception {
    // A backend that waits for the whole body before it answers.
    try (RecordingBackend backend = RecordingBackend.silent();
        TestProxy proxy = proxy(backend, "")) {
      try (Socket client = new Socket("127.0.0.1", proxy.port())) {
        client.setSoTimeout(5000);
        var out = client.getOutputStream();
        out.write(
            "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        assertThat(RecordingBackend.await(() -> backend.received().contains("abc"))).isTrue();
        int closedBefore = backend.closedConnections();
        out.write("zz\r\nxy\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String answer = readAll(client.getInputStream());
        assertThat(answer).as("the client sees the failure").doesNotContain("HTTP/1.1 2");
        assertThat(RecordingBackend.await(() -> backend.closedConnections() > closedBefore))
            .as("the upstream connection was closed")
            .isTrue();
      }
      assertThat(backend.received()).doesNotContain("0\r\n\r\n").doesNotContain("xy");
    }
  }

  @Test
  void aSlowHeadGets408AndNeverReachesTheBackend() throws Exception {
    try (RecordingBackend backend = RecordingBackend.ok();
        TestProxy proxy = proxy(backend, "connectionTimeouts: {requestHead: 800ms}")) {
      try (Socket client = new Socket("127.0.0.1", proxy.port())) {
        client.setSoTimeout(5000);
        var out = client.getOutputStream();
        for (String part : new String[] {"GET / HTTP/1.1\r\n", "Host: a\r\n", "X-Slow: 1\r\n"}) {
          out.write(part.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          Thread.sleep(150);
        }
        String answer = readAll(client.getInputStream());
        assertThat(answer)
            .startsWith("HTTP/1.1 408 ")
            .contains("l5d-proxy-error: ")
            .endsWith("<EOF>");
      }
      assertThat(backend.received()).isEmpty();
    }
  }

  @Test
  void anIdleClientConnectionIsClosed() throws Exception {
    try (RecordingBackend backend = RecordingBackend.ok();
        TestProxy proxy = proxy(backend, "connectionTimeouts: {keepAlive: 300ms}")) {
      String answer = exchange(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 5000);
      assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("ok<EOF>");
    }
  }

  @Test
  void malformedResponsesBecome502WithTheProxyError() throws Exception {
    String[] responses = {
      "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "SSH-2.0-OpenSSH_9.2\r\n\r\n",
    };
    for (String response : responses) {
      try (RecordingBackend backend = RecordingBackend.answering(response);
          TestProxy proxy = proxy(backend, "")) {
        String answer = exchange(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 5000);
        assertThat(answer).as(response).startsWith("HTTP/1.1 502 ").doesNotContain("999");
        assertThat(answer.toLowerCase(Locale.ROOT))
            .contains("l5d-proxy-error: ")
            .contains("malformed response");
      }
    }
  }

  @Test
  void aResponseBodyBrokenInTheReadOfItsHeadIsA502NeverACompletedBody() throws Exception {
    // The head waits for the end of its read, so the client has nothing yet and gets a 502 (a
    // break in a later read cuts the connection instead: ResponseGuardTest).
    String response =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\nxx\r\n0\r\n\r\n";
    try (RecordingBackend backend = RecordingBackend.answering(response);
        TestProxy proxy = proxy(backend, "")) {
      String answer = exchange(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 5000);
      assertThat(answer).startsWith("HTTP/1.1 502 ").contains("chunk size");
    }
  }

  @Test
  void bytesThatAreNotHttpStillGoThroughAsTcp() throws Exception {
    try (RecordingBackend backend = RecordingBackend.ok();
        TestProxy proxy = proxy(backend, "")) {
      String banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
      try (Socket client = new Socket("127.0.0.1", proxy.port())) {
        client.getOutputStream().write(banner.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(RecordingBackend.await(() -> backend.received().equals(banner))).isTrue();
      }
    }
  }
}
