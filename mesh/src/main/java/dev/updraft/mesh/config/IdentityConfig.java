package dev.updraft.mesh.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the proxy gets its identity: it makes a key, sends a CSR and its token to the identity
 * service, and renews at 70 % of each certificate's lifetime.
 *
 * @param name this workload's identity, {@code <sa>.<ns>.serviceaccount.identity.<ctl>.<domain>}
 * @param url the identity service, {@code https://host:port}
 * @param tokenFile the file holding the token that proves the identity (read at every renewal)
 * @param trustAnchors PEM file of the mesh's trust anchors (one, or two during a rotation)
 * @param serviceName the identity the identity service presents (default: {@code
 *     updraft-identity.<ctl>.serviceaccount.identity.<ctl>.<domain>} of {@code name}'s domain)
 * @param minRefresh the earliest renewal, and the retry delay after a failed one (10 s)
 * @param tlsProvider the TLS implementation, or none for the default (BoringSSL where it loads)
 */
public record IdentityConfig(
    String name,
    URI url,
    Path tokenFile,
    Path trustAnchors,
    String serviceName,
    Duration minRefresh,
    TlsProvider tlsProvider) {
  public IdentityConfig {
    if (name == null || name.isBlank()) {
      throw new MeshConfigException(
          "identity.name: missing (expected: <sa>.<ns>.serviceaccount.identity.<ctl>.<domain>)");
    }
    if (url == null || !"https".equals(url.getScheme()) || url.getHost() == null) {
      throw new MeshConfigException("identity.url: " + url + " (expected: https://host:port)");
    }
    if (tokenFile == null) {
      throw new MeshConfigException("identity.tokenFile: missing (expected: a file path)");
    }
    if (trustAnchors == null) {
      throw new MeshConfigException("identity.trustAnchors: missing (expected: a PEM file path)");
    }
    minRefresh = minRefresh == null ? Duration.ofSeconds(10) : minRefresh;
    if (minRefresh.isNegative() || minRefresh.isZero()) {
      throw new MeshConfigException(
          "identity.minRefresh: " + Durations.format(minRefresh) + " (expected: > 0)");
    }
  }
}
