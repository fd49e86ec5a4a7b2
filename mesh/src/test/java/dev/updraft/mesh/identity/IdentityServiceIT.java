package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.updraft.mesh.transport.Transport;
import dev.updraft.sys.testing.NeedsProgram;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Certify API over real TLS: what a proxy gets, and what is refused. */
class IdentityServiceIT {
  private static final WorkloadName WEB =
      new WorkloadName("web", "shop", "updraft", "cluster.local");
  private final CertificateAuthority ca =
      CertificateAuthority.create("cluster.local", Duration.ofHours(24), Clock.systemUTC());
  private final LocalTokens tokens = new LocalTokens();
  private final IdentityServer server =
      IdentityServer.start(
          ca, "updraft", tokens, new InetSocketAddress("127.0.0.1", 0), Transport.select(false));

  @AfterEach
  void stop() {
    server.close();
  }

  private IdentityClient client(TrustBundle bundle) {
    return new IdentityClient(
        URI.create("https://127.0.0.1:" + server.address().getPort()),
        bundle,
        server.name().dnsName(),
        Duration.ofSeconds(5));
  }

  @Test
  void aProxyWithAValidTokenGetsAChainForItsOwnKey() {
    String token = tokens.issue(WEB);
    ProxyIdentity identity =
        new ProxyIdentity(
                WEB,
                ca.bundle(),
                client(ca.bundle()),
                () -> token,
                Renewal.DEFAULT,
                Clock.systemUTC())
            .certify();
    assertThat(MeshTrustManager.names(identity.credentials().leaf()))
        .containsExactly(WEB.dnsName(), WEB.spiffeId());
    assertThat(identity.credentials().chain().get(1)).isEqualTo(ca.issuer());
    assertThat(identity.serverContext()).isNotNull();
  }

  @Test
  void aBadTokenOrAnotherIdentityIsRefused() {
    String token = tokens.issue(WEB);
    WorkloadName admin = new WorkloadName("admin", "shop", "updraft", "cluster.local");
    assertThatThrownBy(() -> client(ca.bundle()).certify(Keys.generate(), WEB, "forged"))
        .isInstanceOf(IdentityException.class)
        .hasMessage("identity service: token: not one this identity service issued");
    assertThatThrownBy(() -> client(ca.bundle()).certify(Keys.generate(), admin, token))
        .hasMessageContaining("(expected: \"" + WEB + "\", the token's identity)");
  }

  @Test
  void aClientRefusesAnIdentityServiceOfAnotherAuthority() {
    CertificateAuthority other =
        CertificateAuthority.create("cluster.local", Duration.ofHours(24), Clock.systemUTC());
    String token = tokens.issue(WEB);
    assertThatThrownBy(() -> client(other.bundle()).certify(Keys.generate(), WEB, token))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("identity service");
  }

  @Test
  @NeedsProgram(value = "curl", debian = "curl")
  void curlTalksCertifyOverHttp2(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("anchors.pem"), Pem.write(ca.anchor()));
    String token = tokens.issue(WEB);
    Files.write(
        dir.resolve("body.json"),
        new CertifyRequest(WEB, token, Csr.create(Keys.generate(), WEB)).toJson());
    String host = server.name().dnsName();
    int port = server.address().getPort();
    Process curl =
        new ProcessBuilder(
                List.of(
                    "curl",
                    "-sS",
                    "--http2",
                    "-w",
                    "\\n%{http_version} %{response_code}",
                    "--cacert",
                    dir.resolve("anchors.pem").toString(),
                    "--resolve",
                    host + ":" + port + ":127.0.0.1",
                    "--data-binary",
                    "@" + dir.resolve("body.json"),
                    "https://" + host + ":" + port + "/v1/certify"))
            .redirectErrorStream(true)
            .start();
    assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).endsWith("\n2 200");
    CertifyResponse answer =
        CertifyResponse.parse(
            out.substring(0, out.lastIndexOf('\n')).getBytes(StandardCharsets.UTF_8));
    assertThat(MeshTrustManager.names(answer.chain().getFirst())).contains(WEB.dnsName());
  }
}
