package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.testing.Cleanup;
import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestMesh;
import dev.updraft.mesh.testing.TestProxy;
import dev.updraft.sys.testing.NeedsProgram;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two proxies with mutual TLS between them, identities from a real identity service: the client
 * side originates TLS to the identity it expects, the server side terminates it and knows who
 * called.
 */
class MeshTlsIT {
  @TempDir Path dir;
  private final Cleanup open = new Cleanup();

  @AfterEach
  void close() throws Exception {
    open.close();
  }

  private <T extends AutoCloseable> T keep(T c) {
    return open.keep(c);
  }

  private TestProxy inbound(TestMesh mesh, String app, String extra) {
    return keep(TestProxy.start(mesh.proxyYaml("web", true, app, null, extra)));
  }

  private TestProxy outbound(TestMesh mesh, int inboundPort, String expected) {
    return keep(
        TestProxy.start(
            mesh.proxyYaml("frontend", false, "127.0.0.1:" + inboundPort, expected, "")));
  }

  @Test
  void httpCrossesMutualTlsAndTheServerKnowsItsClient() throws Exception {
    TestMesh mesh = keep(new TestMesh(dir, Duration.ofHours(24)));
    TestBackend app = keep(TestBackend.echo());
    TestProxy web = inbound(mesh, app.address(), "");
    TestProxy front = outbound(mesh, web.port(), TestMesh.name("web").dnsName());

    var response = front.get("/hello");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-path")).hasValue("/hello");
    assertThat(web.metrics())
        .contains(
            "inbound_http_authz_allow_total{srv_kind=\"default\",srv_name=\"all-unauthenticated\","
                + "authz_kind=\"default\",authz_name=\"all-unauthenticated\",tls=\"true\","
                + "client_id=\""
                + TestMesh.name("frontend").dnsName()
                + "\",no_tls_reason=\"\"} 1")
        .contains("tcp_detect_protocol_total{direction=\"inbound\",protocol=\"mesh-tls\"} 1");
  }

  @ParameterizedTest(name = "{0} client, {1} server")
  @CsvSource({"jdk,jdk", "jdk,boringssl", "boringssl,jdk", "boringssl,boringssl"})
  void eachTlsProviderSpeaksMeshTlsWithTheOther(String client, String server) throws Exception {
    TestMesh mesh = keep(new TestMesh(dir, Duration.ofHours(24)));
    TestBackend app = keep(TestBackend.echo());
    TestProxy web =
        keep(TestProxy.start(mesh.proxyYaml("web", true, app.address(), null, "", server)));
    TestProxy front =
        keep(
            TestProxy.start(
                mesh.proxyYaml(
                    "frontend",
                    false,
                    "127.0.0.1:" + web.port(),
                    TestMesh.name("web").dnsName(),
                    "",
                    client)));

    assertThat(front.get("/hello").statusCode()).isEqualTo(200);
    assertThat(web.metrics())
        .contains("tls=\"true\",client_id=\"" + TestMesh.name("frontend").dnsName() + "\"");
  }

  @Test
  void aServerWithAnotherIdentityIsRefusedBeforeAnyRequestReachesIt() throws Exception {
    TestMesh mesh = keep(new TestMesh(dir, Duration.ofHours(24)));
    TestBackend app = keep(TestBackend.echo());
    TestProxy web = inbound(mesh, app.address(), "");
    TestProxy front = outbound(mesh, web.port(), TestMesh.name("admin").dnsName());

    var response = front.get("/secret");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("l5d-proxy-error")).isPresent();
    assertThat(app.requests()).isZero();
  }

  @Test
  void opaqueTcpCrossesMutualTls() throws Exception {
    TestMesh mesh = keep(new TestMesh(dir, Duration.ofHours(24)));
    ServerSocket echo = keep(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
    Thread.ofVirtual().start(() -> echoLoop(echo));
    TestProxy web = inbound(mesh, "127.0.0.1:" + echo.getLocalPort(), "");
    TestProxy front = outbound(mesh, web.port(), TestMesh.name("web").dnsName());

    try (Socket s = new Socket("127.0.0.1", front.port())) {
      s.setSoTimeout(10_000);
      byte[] hello = {0x01, 0x02, 0x03, 0x7f, 0x00, 0x10};
      s.getOutputStream().write(hello);
      assertThat(s.getInputStream().readNBytes(hello.length)).isEqualTo(hello);
    }
    assertThat(web.metrics())
        .contains("inbound_tcp_authz_allow_total{")
        .contains("tls=\"true\",client_id=\"" + TestMesh.name("frontend").dnsName() + "\"");
  }

  @Test
  void renewalMidTrafficDropsNoRequestAndNoConnection() throws Exception {
    // 6 s certificates renew about every 4 s: a 14 s run crosses several renewals on both sides.
    TestMesh mesh = keep(new TestMesh(dir, Duration.ofSeconds(6)));
    TestBackend app = keep(TestBackend.echo());
    ServerSocket echo = keep(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
    Thread.ofVirtual().start(() -> echoLoop(echo));
    TestProxy web = inbound(mesh, app.address(), "");
    TestProxy front = outbound(mesh, web.port(), TestMesh.name("web").dnsName());
    TestProxy tcpWeb = inbound(mesh, "127.0.0.1:" + echo.getLocalPort(), "");
    TestProxy tcpFront = outbound(mesh, tcpWeb.port(), TestMesh.name("web").dnsName());

    int failures = 0;
    int requests = 0;
    try (Socket held = new Socket("127.0.0.1", tcpFront.port())) {
      held.setSoTimeout(10_000);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(14);
      while (System.nanoTime() < end) {
        var response = front.get("/r" + requests);
        requests++;
        if (response.statusCode() != 200) {
          failures++;
        }
        byte[] ping = {0x01, (byte) requests, 0x00};
        held.getOutputStream().write(ping);
        assertThat(held.getInputStream().readNBytes(ping.length)).isEqualTo(ping);
        Thread.sleep(20);
      }
    }
    assertThat(front.proxy().identity().renewals()).isGreaterThanOrEqualTo(2);
    assertThat(web.proxy().identity().renewals()).isGreaterThanOrEqualTo(2);
    assertThat(requests).isGreaterThan(50);
    assertThat(failures).isZero();
    assertThat(app.requests()).isEqualTo(requests);
  }

  @Test
  @NeedsProgram(value = "openssl", debian = "openssl")
  void opensslSeesTheWorkloadCertificateUnderTheAnchor() throws Exception {
    TestMesh mesh = keep(new TestMesh(dir, Duration.ofHours(24)));
    TestBackend app = keep(TestBackend.echo());
    TestProxy web = inbound(mesh, app.address(), "");
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + web.port(),
                "-servername",
                TestMesh.name("web").dnsName(),
                "-CAfile",
                mesh.anchors().toString(),
                "-verify_return_error",
                "-tls1_3",
                "-brief")
            .redirectErrorStream(true)
            .start();
    openssl.getOutputStream().close();
    assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).contains("Verification: OK").contains("TLSv1.3");
  }

  static void echoLoop(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread.ofVirtual()
            .start(
                () -> {
                  try (s;
                      InputStream in = s.getInputStream();
                      OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                  } catch (Exception e) {
                    // the client went away
                  }
                });
      } catch (Exception e) {
        return;
      }
    }
  }
}
