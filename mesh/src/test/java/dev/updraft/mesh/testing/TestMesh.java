package dev.updraft.mesh.testing;

import dev.updraft.mesh.identity.CertificateAuthority;
import dev.updraft.mesh.identity.Credentials;
import dev.updraft.mesh.identity.IdentityServer;
import dev.updraft.mesh.identity.LocalTokens;
import dev.updraft.mesh.identity.Pem;
import dev.updraft.mesh.identity.WorkloadName;
import dev.updraft.mesh.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;

/**
 * A mesh for tests: an authority, its identity service on a free port, the trust bundle on disk,
 * and per-workload token files, so proxies get their certificates the way they do in production.
 */
public final class TestMesh implements AutoCloseable {
  private final Path dir;
  private final CertificateAuthority ca;
  private final LocalTokens tokens = new LocalTokens();
  private final IdentityServer server;

  public TestMesh(Path dir, Duration lifetime) {
    this.dir = dir;
    this.ca = CertificateAuthority.create("cluster.local", lifetime, Clock.systemUTC());
    this.server =
        IdentityServer.start(
            ca, "updraft", tokens, new InetSocketAddress("127.0.0.1", 0), Transport.select(false));
    write("anchors.pem", Pem.write(ca.bundle().anchors().toArray()));
  }

  public static WorkloadName name(String serviceAccount) {
    return new WorkloadName(serviceAccount, "shop", "updraft", "cluster.local");
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public Path anchors() {
    return dir.resolve("anchors.pem");
  }

  /** The {@code identity:} YAML section of a proxy running as {@code serviceAccount}. */
  public String identityYaml(String serviceAccount, String minRefresh) {
    return identityYaml(serviceAccount, minRefresh, null);
  }

  /** ... with the TLS implementation {@code tlsProvider} ({@code jdk}, {@code boringssl}). */
  public String identityYaml(String serviceAccount, String minRefresh, String tlsProvider) {
    WorkloadName name = name(serviceAccount);
    Path token = write(serviceAccount + ".token", tokens.issue(name));
    return """
        identity:
          name: %s
          url: https://127.0.0.1:%d
          tokenFile: %s
          trustAnchors: %s
          minRefresh: %s
        %s"""
        .formatted(
            name.dnsName(),
            server.address().getPort(),
            token,
            anchors(),
            minRefresh,
            tlsProvider == null ? "" : "  tlsProvider: " + tlsProvider + "\n");
  }

  /**
   * A proxy for workload {@code serviceAccount} whose listener sends everything to {@code target}:
   * over mesh TLS expecting {@code targetIdentity}, or plaintext when it is null; {@code inbound}
   * makes the listener an inbound one (policy applies).
   */
  public String proxyYaml(
      String serviceAccount, boolean inbound, String target, String targetIdentity, String extra) {
    return proxyYaml(serviceAccount, inbound, target, targetIdentity, extra, null);
  }

  /** ... with the TLS implementation {@code tlsProvider}, or the default when null. */
  public String proxyYaml(
      String serviceAccount,
      boolean inbound,
      String target,
      String targetIdentity,
      String extra,
      String tlsProvider) {
    return """
        admin: 127.0.0.1:0
        eventLoops: 1
        listeners: [{name: proxy, address: "127.0.0.1:0", direction: %s, backend: b}]
        backends: [{name: b, endpoints: ["%s"]%s}]
        %s
        %s
        """
        .formatted(
            inbound ? "inbound" : "outbound",
            target,
            targetIdentity == null ? "" : ", identity: " + targetIdentity,
            identityYaml(serviceAccount, "1s", tlsProvider),
            extra);
  }

  /** A key and chain issued directly (for clients such as curl that are not proxies). */
  public Credentials issue(CertificateAuthority by, String serviceAccount) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      return new Credentials(keys.getPrivate(), by.issue(keys.getPublic(), name(serviceAccount)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code credentials} as {@code <prefix>.crt} and {@code <prefix>.key}. */
  public Path[] files(String prefix, Credentials credentials) {
    return new Path[] {
      write(prefix + ".crt", Pem.write(credentials.chain().toArray())),
      write(prefix + ".key", Pem.write(credentials.key()))
    };
  }

  public Path write(String file, String text) {
    try {
      return Files.writeString(dir.resolve(file), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
