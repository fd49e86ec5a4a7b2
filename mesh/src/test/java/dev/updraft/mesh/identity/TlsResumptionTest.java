package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * TLS 1.3 session resumption between two proxies' BoringSSL contexts: a client that connected once
 * offers the ticket the server sent, and the server takes it, so a reconnect is one round trip and
 * no certificate signature or chain check; the resumed session still names the client.
 */
class TlsResumptionTest {
  private static final WorkloadName WEB =
      new WorkloadName("web", "shop", "updraft", "cluster.local");
  private static final WorkloadName FRONT =
      new WorkloadName("front", "shop", "updraft", "cluster.local");

  private final CertificateAuthority ca =
      CertificateAuthority.create("cluster.local", Duration.ofHours(1), Clock.systemUTC());

  private Credentials credentials(WorkloadName name) {
    KeyPair keys = Keys.generate();
    return new Credentials(keys.getPrivate(), ca.issue(keys.getPublic(), name));
  }

  private SslContext client(Credentials front) {
    return TlsContexts.client(
        SslProvider.OPENSSL, front, ca.bundle(), WEB.dnsName(), "h2", "http/1.1");
  }

  @Test
  void aSecondConnectionResumesAndTheServerStillKnowsItsClient() throws Exception {
    SslContext server = TlsContexts.server(credentials(WEB), ca.bundle(), SslProvider.OPENSSL);
    SslContext client = client(credentials(FRONT));

    try (InMemoryTls first = InMemoryTls.connect(client, server, WEB.dnsName(), 4143)) {
      assertThat(first.resumed()).isFalse();
    }
    try (InMemoryTls second = InMemoryTls.connect(client, server, WEB.dnsName(), 4143)) {
      assertThat(second.resumed()).isTrue();
      X509Certificate peer = (X509Certificate) second.server.getSession().getPeerCertificates()[0];
      assertThat(MeshTrustManager.identity(peer)).isEqualTo(FRONT.dnsName());
    }
    // Each ticket is used once (TLS 1.3): the resumed connection brought the next one.
    try (InMemoryTls third = InMemoryTls.connect(client, server, WEB.dnsName(), 4143)) {
      assertThat(third.resumed()).isTrue();
    }
  }

  @Test
  void anotherPeerDoesNotGetTheTicket() throws Exception {
    SslContext server = TlsContexts.server(credentials(WEB), ca.bundle(), SslProvider.OPENSSL);
    SslContext client = client(credentials(FRONT));

    InMemoryTls.connect(client, server, WEB.dnsName(), 4143).close();
    try (InMemoryTls elsewhere = InMemoryTls.connect(client, server, WEB.dnsName(), 4144)) {
      assertThat(elsewhere.resumed()).isFalse();
    }
  }

  @Test
  void ticketsDieWithTheServerContextThatIssuedThem() throws Exception {
    // A renewal builds a new server context, and BoringSSL's ticket keys are the context's own:
    // a ticket never outlives the certificates it was issued under.
    Credentials web = credentials(WEB);
    SslContext before = TlsContexts.server(web, ca.bundle(), SslProvider.OPENSSL);
    SslContext after = TlsContexts.server(web, ca.bundle(), SslProvider.OPENSSL);
    SslContext client = client(credentials(FRONT));

    InMemoryTls.connect(client, before, WEB.dnsName(), 4143).close();
    try (InMemoryTls renewed = InMemoryTls.connect(client, after, WEB.dnsName(), 4143)) {
      assertThat(renewed.resumed()).isFalse();
    }
  }
}
