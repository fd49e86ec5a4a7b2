package dev.updraft.mesh.identity;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A workload's key and the chain it presents (leaf first), as issued for one lifetime.
 *
 * @param key the private key, made locally and never sent anywhere
 * @param chain the leaf and its issuer
 */
public record Credentials(PrivateKey key, List<X509Certificate> chain) {
  public Credentials {
    if (key == null || chain == null || chain.isEmpty()) {
      throw new IdentityException("credentials: no key or no certificate (expected: both)");
    }
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  public Instant expiry() {
    return leaf().getNotAfter().toInstant();
  }

  /** Checks the chain leads to an anchor of {@code bundle} and the leaf names {@code name}. */
  public Credentials checked(TrustBundle bundle, WorkloadName name) {
    try {
      MeshTrustManager.verify(bundle, chain);
    } catch (java.security.cert.CertificateException e) {
      throw new IdentityException("certificate: " + e.getMessage(), e);
    }
    List<String> names = MeshTrustManager.names(leaf());
    if (!names.contains(name.dnsName())) {
      throw new IdentityException(
          "certificate: names " + names + " (expected: " + name.dnsName() + ")");
    }
    return this;
  }
}
