package dev.updraft.deploy.local;

import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.deploy.state.SealedAuthority;
import dev.updraft.mesh.identity.CaFiles;
import dev.updraft.mesh.identity.CertificateAuthority;
import dev.updraft.mesh.identity.IdentityClient;
import dev.updraft.mesh.identity.IdentityServer;
import dev.updraft.mesh.identity.LocalTokens;
import dev.updraft.mesh.identity.ProxyIdentity;
import dev.updraft.mesh.identity.Renewal;
import dev.updraft.mesh.identity.WorkloadName;
import dev.updraft.mesh.transport.Transport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The environment's identity service, embedded in its supervisor as Linkerd's identity controller
 * runs beside its proxies: an authority kept in {@code identity/} of the state directory (its keys
 * sealed with the environment's key, like every secret at rest), serving Certify on a loopback
 * port, and a token per proxy that only this supervisor hands out.
 */
final class LocalIdentity implements AutoCloseable {
  /** Linkerd's control-plane namespace and trust domain, so names read as Linkerd's do. */
  static final String CONTROL = "updraft";

  static final String TRUST_DOMAIN = "cluster.local";

  /**
   * Certificate lifetime: Linkerd's 24 h; {@code UPDRAFT_MESH_CERT_LIFETIME} (a number of seconds)
   * shortens it, which tests use to see renewals.
   */
  static final String LIFETIME_VARIABLE = "UPDRAFT_MESH_CERT_LIFETIME";

  /** The same as a system property of the engine, passed on to the supervisor it starts. */
  static final String LIFETIME_PROPERTY = "updraft.mesh.certLifetime";

  private final LocalTokens tokens;
  private final IdentityServer server;
  private final CertificateAuthority ca;
  private final Path anchors;

  private LocalIdentity(
      CertificateAuthority ca, LocalTokens tokens, IdentityServer server, Path anchors) {
    this.ca = ca;
    this.tokens = tokens;
    this.server = server;
    this.anchors = anchors;
  }

  /** Loads (or makes) the authority of the state directory {@code dir} and serves it. */
  static LocalIdentity start(Path dir, Transport transport) {
    Path home = PrivateFiles.directories(dir.resolve("identity"));
    EnvironmentKey key = EnvironmentKey.of(dir);
    CertificateAuthority ca = load(home, key, lifetime(System.getenv()));
    LocalTokens tokens = new LocalTokens();
    IdentityServer server =
        IdentityServer.start(ca, CONTROL, tokens, new InetSocketAddress("127.0.0.1", 0), transport);
    return new LocalIdentity(ca, tokens, server, home.resolve(CaFiles.BUNDLE));
  }

  static Duration lifetime(Map<String, String> env) {
    String text = env.get(LIFETIME_VARIABLE);
    if (text == null || text.isBlank()) {
      return Duration.ofHours(24);
    }
    try {
      long seconds = Long.parseLong(text.trim());
      if (seconds >= 2) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        LIFETIME_VARIABLE + ": \"" + text + "\" (expected: a number of seconds, at least 2)");
  }

  /** The authority in {@code home}, made there first; the keys are kept sealed. */
  static CertificateAuthority load(Path home, EnvironmentKey key, Duration lifetime) {
    return CaFiles.fromContents(
        SealedAuthority.files(home, key, TRUST_DOMAIN, lifetime), lifetime, Clock.systemUTC());
  }

  /** The identity of {@code service} in {@code environment}. */
  static WorkloadName name(String service, String environment) {
    return new WorkloadName(service, environment, CONTROL, TRUST_DOMAIN);
  }

  /**
   * A proxy identity for {@code name}, proven by a token issued for it alone. The token never
   * leaves this JVM (the proxies are in it); it is revoked when {@code revoke} runs.
   */
  Issued issue(WorkloadName name) {
    String token = tokens.issue(name);
    IdentityClient client =
        new IdentityClient(
            URI.create("https://127.0.0.1:" + server.address().getPort()),
            ca.bundle(),
            server.name().dnsName(),
            Duration.ofSeconds(10));
    ProxyIdentity identity =
        new ProxyIdentity(
            name,
            ca.bundle(),
            client,
            () -> token,
            new Renewal(minRefresh(ca.lifetime()), Duration.ofHours(24)),
            Clock.systemUTC());
    return new Issued(identity, () -> tokens.revoke(token));
  }

  // Linkerd's 10 s, shorter for the short certificates of tests.
  private static Duration minRefresh(Duration lifetime) {
    Duration tenth = lifetime.dividedBy(10);
    return tenth.compareTo(Duration.ofSeconds(10)) < 0 ? tenth : Duration.ofSeconds(10);
  }

  /** A proxy's identity and how to revoke its token. */
  record Issued(ProxyIdentity identity, Runnable revoke) {}

  /** The trust anchors' PEM file (for clients such as {@code openssl s_client}). */
  Path anchors() {
    return anchors;
  }

  @Override
  public void close() {
    server.close();
  }
}
