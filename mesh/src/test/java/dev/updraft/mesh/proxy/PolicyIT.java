package dev.updraft.mesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.identity.Credentials;
import dev.updraft.mesh.testing.Cleanup;
import dev.updraft.mesh.testing.TestBackend;
import dev.updraft.mesh.testing.TestMesh;
import dev.updraft.mesh.testing.TestProxy;
import dev.updraft.sys.testing.NeedsProgram;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inbound authorization and rate limits on a real proxy, over plaintext and mesh TLS. */
class PolicyIT {
  private static final String FRONT = TestMesh.name("frontend").dnsName();
  @TempDir Path dir;
  private final Cleanup open = new Cleanup();
  private TestMesh mesh;
  private TestBackend app;

  @BeforeEach
  void mesh() throws Exception {
    mesh = keep(new TestMesh(dir, Duration.ofHours(24)));
    app = keep(TestBackend.echo());
  }

  @AfterEach
  void close() throws Exception {
    open.close();
  }

  private <T extends AutoCloseable> T keep(T c) {
    return open.keep(c);
  }

  /** The workload "web": an inbound proxy on a free port in front of the app. */
  private TestProxy web(String policy) {
    return keep(TestProxy.start(webYaml(policy)));
  }

  /**
   * The workload "web" with a policy that names its own port: started, then reloaded with the port
   * it bound ({@code %1$d} in {@code policy}).
   */
  private TestProxy webOnItsPort(String policy) {
    TestProxy web = web("defaultPolicy: all-unauthenticated");
    web.proxy().reload(ConfigFile.parse("reload.yaml", webYaml(policy.formatted(web.port()))));
    return web;
  }

  private String webYaml(String policy) {
    return mesh.proxyYaml("web", true, app.address(), null, "policy:\n" + policy.indent(2));
  }

  /** The workload {@code serviceAccount}'s outbound proxy, calling web over mesh TLS. */
  private TestProxy caller(String serviceAccount, int webPort) {
    return keep(
        TestProxy.start(
            mesh.proxyYaml(
                serviceAccount,
                false,
                "127.0.0.1:" + webPort,
                TestMesh.name("web").dnsName(),
                "")));
  }

  @Test
  void denyRefusesHttpWith403AndClosesTcp() throws Exception {
    TestProxy web = web("defaultPolicy: deny");
    HttpResponse<String> response = web.get("/x");
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("l5d-proxy-error"))
        .hasValueSatisfying(v -> assertThat(v).contains("unauthorized"));
    try (Socket s = new Socket("127.0.0.1", web.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(new byte[] {0x01, 0x02, 0x03, 0x00});
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(app.requests()).isZero();
    assertThat(web.metrics())
        .contains(
            "inbound_http_authz_deny_total{srv_kind=\"default\",srv_name=\"deny\",tls=\"no_identity\","
                + "client_id=\"\",no_tls_reason=\"no_tls_from_remote\"} 1")
        .contains("inbound_tcp_authz_deny_total{srv_kind=\"default\",srv_name=\"deny\"");
  }

  @Test
  void allAuthenticatedAdmitsMeshedCallersOnly() throws Exception {
    TestProxy web = web("defaultPolicy: all-authenticated");
    assertThat(web.get("/plain").statusCode()).isEqualTo(403);
    TestProxy front = caller("frontend", web.port());
    assertThat(front.get("/meshed").statusCode()).isEqualTo(200);
    assertThat(app.requests()).isEqualTo(1);
  }

  @Test
  void aServerAdmitsTheIdentitiesAndRoutesItsAuthorizationsName() throws Exception {
    TestProxy web =
        webOnItsPort(
            """
            servers:
              - name: web-http
                port: %1$d
                authorizations:
                  - name: frontend-only
                    meshTLS: [FRONT]
                  - name: public-reads
                    routes: [{pathPrefix: /public, methods: [GET]}]
            """
                .replace("FRONT", FRONT));
    assertThat(web.get("/public/menu").statusCode()).isEqualTo(200);
    assertThat(web.get("/private").statusCode()).isEqualTo(403);
    assertThat(caller("frontend", web.port()).get("/private").statusCode()).isEqualTo(200);
    HttpResponse<String> admin = caller("admin", web.port()).get("/private");
    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(admin.headers().firstValue("l5d-proxy-error"))
        .hasValueSatisfying(v -> assertThat(v).contains(TestMesh.name("admin").dnsName()));
    assertThat(web.metrics())
        .contains(
            "inbound_http_authz_allow_total{srv_kind=\"server\",srv_name=\"web-http\","
                + "authz_kind=\"authorizationpolicy\",authz_name=\"frontend-only\",tls=\"true\","
                + "client_id=\""
                + FRONT
                + "\",no_tls_reason=\"\"} 1")
        .contains(
            "inbound_http_authz_deny_total{srv_kind=\"server\",srv_name=\"web-http\",tls=\"true\","
                + "client_id=\""
                + TestMesh.name("admin").dnsName()
                + "\",no_tls_reason=\"\"} 1");
  }

  @Test
  void clusterAuthenticatedWantsAnIdentityFromInsideTheClusterNetworks() throws Exception {
    TestProxy outside = web("defaultPolicy: cluster-authenticated");
    assertThat(caller("frontend", outside.port()).get("/").statusCode()).isEqualTo(403);
    TestProxy inside = web("defaultPolicy: cluster-authenticated\nclusterNetworks: [127.0.0.0/8]");
    assertThat(inside.get("/").statusCode()).isEqualTo(403);
    assertThat(caller("frontend", inside.port()).get("/").statusCode()).isEqualTo(200);
  }

  @Test
  void aLocalRateLimitAnswers429AndKeepsTheConnection() throws Exception {
    TestProxy web =
        webOnItsPort(
            """
            servers:
              - name: web-http
                port: %1$d
                authorizations: [{name: all}]
                rateLimit: {total: 2}
            """);
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> response = web.get("/r" + i);
      if (response.statusCode() == 200) {
        ok++;
      } else if (response.statusCode() == 429) {
        limited++;
        assertThat(response.headers().firstValue("l5d-proxy-error")).isPresent();
        assertThat(response.headers().firstValue("connection")).isEmpty();
      }
    }
    assertThat(ok + limited).isEqualTo(30);
    assertThat(ok).isGreaterThanOrEqualTo(2);
    assertThat(limited).isGreaterThan(0);
    assertThat(web.metrics())
        .contains(
            "inbound_http_local_ratelimit_total{srv_kind=\"server\",srv_name=\"web-http\","
                + "rate_limit=\"total\",tls=\"no_identity\",client_id=\"\","
                + "no_tls_reason=\"no_tls_from_remote\"} "
                + limited);
  }

  @Test
  @NeedsProgram(value = "curl", debian = "curl")
  void curlWithAMeshCertificateIsAuthenticatedAndWithoutOneIsNot() throws Exception {
    TestProxy web = web("defaultPolicy: all-authenticated");
    Credentials front = mesh.issue(mesh.ca(), "frontend");
    Path[] files = mesh.files("front", front);
    assertThat(curl(web, "--cert", files[0].toString(), "--key", files[1].toString()))
        .endsWith("200");
    assertThat(curl(web)).endsWith("403");
    assertThat(web.metrics()).contains("client_id=\"" + FRONT + "\"");
  }

  private String curl(TestProxy web, String... extra) throws Exception {
    String host = TestMesh.name("web").dnsName();
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{response_code}",
                "--cacert",
                mesh.anchors().toString(),
                "--resolve",
                host + ":" + web.port() + ":127.0.0.1"));
    command.addAll(List.of(extra));
    command.add("https://" + host + ":" + web.port() + "/curl");
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }
}
