package dev.updraft.mesh.identity;

import dev.updraft.mesh.config.IdentityConfig;
import dev.updraft.mesh.config.TlsProvider;
import io.netty.handler.ssl.SslContext;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A proxy's own identity: its key (made here, once), its current certificate, and the TLS contexts
 * built from them. A renewal publishes new contexts for new handshakes; connections already open
 * keep the session they negotiated, so renewal drops nothing (Linkerd's watch-published creds).
 */
public final class ProxyIdentity implements AutoCloseable {
  /** Gets a certificate for a key: the identity service, or an authority in-process in tests. */
  @FunctionalInterface
  public interface Certifier {
    Credentials certify(KeyPair keys, WorkloadName name, String token);
  }

  private static final int FIRST_ATTEMPTS = 4;

  private record ClientKey(String server, String alpn, Credentials creds) {}

  private final WorkloadName name;
  private final TrustBundle bundle;
  private final Certifier certifier;
  private final Supplier<String> token;
  private final Renewal renewal;
  private final Clock clock;
  private final KeyPair keys = Keys.generate();
  private final Map<ClientKey, SslContext> clients = new ConcurrentHashMap<>();
  private volatile Credentials current;
  private final TlsProvider provider;
  private volatile SslContext server;
  private volatile long renewals;
  private ScheduledExecutorService timer;
  private Consumer<Throwable> renewalFailures = e -> {};

  public ProxyIdentity(
      WorkloadName name,
      TrustBundle bundle,
      Certifier certifier,
      Supplier<String> token,
      Renewal renewal,
      Clock clock) {
    this(name, bundle, certifier, token, renewal, clock, TlsContexts.resolve(null));
  }

  public ProxyIdentity(
      WorkloadName name,
      TrustBundle bundle,
      Certifier certifier,
      Supplier<String> token,
      Renewal renewal,
      Clock clock,
      TlsProvider provider) {
    this.provider = TlsContexts.resolve(provider);
    this.name = name;
    this.bundle = bundle;
    this.certifier = certifier;
    this.token = token;
    this.renewal = renewal;
    this.clock = clock;
  }

  /**
   * The identity {@code config} describes: its name, the anchors in its PEM file, and the identity
   * service as certifier, with the token read from its file at every request (so it can rotate).
   */
  public static ProxyIdentity fromConfig(IdentityConfig config, Clock clock) {
    WorkloadName name = WorkloadName.parse("identity.name", config.name());
    TrustBundle bundle = new TrustBundle(Pem.readCertificates(config.trustAnchors()));
    String service =
        config.serviceName() != null
            ? config.serviceName()
            : new WorkloadName(
                    "updraft-identity",
                    name.controlNamespace(),
                    name.controlNamespace(),
                    name.trustDomain())
                .dnsName();
    IdentityClient client =
        new IdentityClient(config.url(), bundle, service, Duration.ofSeconds(10));
    return new ProxyIdentity(
        name,
        bundle,
        client,
        () -> Pem.read(config.tokenFile()).trim(),
        new Renewal(config.minRefresh(), Duration.ofHours(24)),
        clock,
        TlsContexts.resolve(config.tlsProvider()));
  }

  /** Gets the first certificate (a proxy is not ready before it has one). */
  public ProxyIdentity certify() {
    // A proxy often starts together with the identity service, or on a busy host: a few tries
    // with a growing pause before the start fails.
    IdentityException last = null;
    for (int attempt = 0; attempt < FIRST_ATTEMPTS; attempt++) {
      try {
        publish(certifier.certify(keys, name, token.get()).checked(bundle, name));
        return this;
      } catch (IdentityException e) {
        last = e;
        if (!(e.getCause() instanceof java.io.IOException)) {
          break; // refused, not unreachable: trying again changes nothing
        }
        try {
          Thread.sleep(500L << attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw last;
  }

  /** Renews on {@code timer} from now on, at the {@link Renewal} schedule. */
  public void renewOn(ScheduledExecutorService timer, Consumer<Throwable> failures) {
    this.timer = timer;
    this.renewalFailures = failures;
    schedule(renewal.refreshIn(clock.instant(), current.expiry()));
  }

  private void schedule(Duration in) {
    timer.schedule(this::renew, Math.max(1, in.toMillis()), TimeUnit.MILLISECONDS);
  }

  // Runs on the identity's one timer thread only; others just read the count.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  private void renew() {
    if (timer.isShutdown()) {
      return;
    }
    try {
      publish(certifier.certify(keys, name, token.get()).checked(bundle, name));
      renewals++;
      schedule(renewal.refreshIn(clock.instant(), current.expiry()));
    } catch (RuntimeException e) {
      renewalFailures.accept(e);
      schedule(renewal.min());
    }
  }

  private void publish(Credentials next) {
    // The server context first: a handshake that reads the new credentials finds matching contexts.
    server = TlsContexts.server(next, bundle, TlsContexts.provider(provider));
    current = next;
    clients.clear();
  }

  public WorkloadName name() {
    return name;
  }

  public TrustBundle bundle() {
    return bundle;
  }

  public Credentials credentials() {
    return current;
  }

  /** Renewals done so far (not counting the first certificate). */
  public long renewals() {
    return renewals;
  }

  /** The TLS implementation of this proxy's contexts. */
  public TlsProvider tlsProvider() {
    return provider;
  }

  /** The context that terminates mesh TLS with the current certificate. */
  public SslContext serverContext() {
    return server;
  }

  /**
   * The context that originates mesh TLS to a server that must be {@code expectedServer}, offering
   * {@code alpn} (or nothing when null).
   */
  public SslContext clientContext(String expectedServer, String alpn) {
    Credentials creds = current;
    return clients.computeIfAbsent(
        new ClientKey(expectedServer, alpn, creds),
        k ->
            alpn == null
                ? TlsContexts.client(TlsContexts.provider(provider), creds, bundle, expectedServer)
                : TlsContexts.client(
                    TlsContexts.provider(provider), creds, bundle, expectedServer, alpn));
  }

  @Override
  public void close() {
    clients.clear();
  }
}
