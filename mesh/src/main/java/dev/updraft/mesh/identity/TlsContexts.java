package dev.updraft.mesh.identity;

import dev.updraft.mesh.config.TlsProvider;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Netty TLS contexts for mesh connections: TLS 1.3 only, ECDSA P-256 leaves, peers checked by
 * {@link MeshTrustManager}. A server asks for a client certificate but does not require one
 * (Linkerd's {@code allow_unauthenticated}), so policy decides what an unauthenticated client may
 * do. ALPN offers h2 and http/1.1. Either provider does all of this the same way; {@code MeshTlsIT}
 * runs both against each other. With BoringSSL a server issues TLS 1.3 session tickets and a client
 * offers the last one it got from the same identity and port ({@code TlsResumptionTest}).
 */
public final class TlsContexts {
  private static final String TLS13 = "TLSv1.3";

  private TlsContexts() {}

  /**
   * The provider a proxy uses for {@code wanted}; none means BoringSSL where its native library
   * loads and the JDK's elsewhere. Asking for BoringSSL where it cannot load is a configuration
   * error.
   */
  public static TlsProvider resolve(TlsProvider wanted) {
    if (wanted == null) {
      return OpenSsl.isAvailable() ? TlsProvider.BORINGSSL : TlsProvider.JDK;
    }
    if (wanted == TlsProvider.BORINGSSL && !OpenSsl.isAvailable()) {
      Throwable cause = OpenSsl.unavailabilityCause();
      throw new IdentityException(
          "identity.tlsProvider: boringssl (its native library does not load here: "
              + (cause == null ? "unknown cause" : cause.getMessage())
              + "; expected: jdk)",
          cause);
    }
    return wanted;
  }

  /** The Netty provider for {@code wanted} ({@link #resolve}d: null is the default). */
  public static SslProvider provider(TlsProvider wanted) {
    return switch (resolve(wanted)) {
      case JDK -> SslProvider.JDK;
      case BORINGSSL -> SslProvider.OPENSSL;
    };
  }

  /** Terminating mesh TLS with {@code credentials}, through the default provider. */
  public static SslContext server(Credentials credentials, TrustBundle bundle) {
    return server(credentials, bundle, provider(null));
  }

  /** Terminating mesh TLS with {@code credentials}. */
  public static SslContext server(
      Credentials credentials, TrustBundle bundle, SslProvider provider) {
    try {
      SslContext context =
          SslContextBuilder.forServer(
                  credentials.key(), credentials.chain().toArray(X509Certificate[]::new))
              .sslProvider(provider)
              .protocols(TLS13)
              .trustManager(new MeshTrustManager(bundle, null))
              .clientAuth(ClientAuth.OPTIONAL)
              .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2, "http/1.1"))
              .build();
      if (context.sessionContext() instanceof OpenSslSessionContext tickets) {
        // TLS 1.3 session tickets on this context whatever jdk.tls.server.enableSessionTicket-
        // Extension says (Netty reads the JDK's property for BoringSSL too): a proxy that
        // reconnects resumes in one round trip without a certificate check. No keys given:
        // BoringSSL makes its own, in memory, per context, so the tickets a context issued die
        // with it at the next certificate renewal and never outlive the certificates behind them.
        tickets.setTicketKeys();
      }
      return context;
    } catch (SSLException e) {
      throw new IdentityException("tls: cannot build a server context: " + e.getMessage(), e);
    }
  }

  /**
   * Originating mesh TLS to a server that must present {@code expectedServer}; {@code protocols} is
   * the ALPN offer, none when empty.
   */
  public static SslContext client(
      SslProvider provider,
      Credentials credentials,
      TrustBundle bundle,
      String expectedServer,
      String... protocols) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(provider)
              .protocols(TLS13)
              .trustManager(new MeshTrustManager(bundle, expectedServer))
              .endpointIdentificationAlgorithm(null);
      if (credentials != null) {
        builder.keyManager(credentials.key(), credentials.chain().toArray(X509Certificate[]::new));
      }
      if (protocols.length > 0) {
        builder.applicationProtocolConfig(alpn(protocols));
      }
      return builder.build();
    } catch (SSLException e) {
      throw new IdentityException("tls: cannot build a client context: " + e.getMessage(), e);
    }
  }

  private static ApplicationProtocolConfig alpn(String... protocols) {
    return new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN,
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        protocols);
  }
}
