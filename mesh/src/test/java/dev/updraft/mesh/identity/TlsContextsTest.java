package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.config.TlsProvider;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TlsContextsTest {
  private static final WorkloadName WEB =
      new WorkloadName("web", "shop", "updraft", "cluster.local");

  @Test
  void boringSslIsTheDefaultOnThisPlatformAndEachChoiceIsHonoured() {
    // linux-x86_64 ships with the native library: if it stops loading, the default silently
    // falls back to the JDK, and this test says so.
    assertThat(TlsContexts.provider(null)).isEqualTo(SslProvider.OPENSSL);
    assertThat(TlsContexts.provider(TlsProvider.BORINGSSL)).isEqualTo(SslProvider.OPENSSL);
    assertThat(TlsContexts.provider(TlsProvider.JDK)).isEqualTo(SslProvider.JDK);
    assertThat(TlsContexts.resolve(null)).isEqualTo(TlsProvider.BORINGSSL);
    assertThat(TlsContexts.resolve(TlsProvider.JDK)).isEqualTo(TlsProvider.JDK);
  }

  @Test
  void contextsAreBuiltByTheProviderAskedFor() {
    CertificateAuthority ca =
        CertificateAuthority.create("cluster.local", Duration.ofHours(1), Clock.systemUTC());
    KeyPair keys = Keys.generate();
    Credentials credentials = new Credentials(keys.getPrivate(), ca.issue(keys.getPublic(), WEB));
    assertThat(TlsContexts.server(credentials, ca.bundle(), SslProvider.OPENSSL))
        .isInstanceOf(OpenSslContext.class);
    assertThat(TlsContexts.server(credentials, ca.bundle(), SslProvider.JDK))
        .isNotInstanceOf(OpenSslContext.class);
    assertThat(
            TlsContexts.client(
                SslProvider.OPENSSL, credentials, ca.bundle(), WEB.dnsName(), "h2", "http/1.1"))
        .isInstanceOf(OpenSslContext.class);
  }
}
