package dev.updraft.mesh.identity;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The mesh's certificate authority, as Linkerd's identity controller: a trust anchor (kept for
 * rotation) signs an issuer certificate, and the issuer signs short-lived leaf certificates for
 * workloads whose CSR and token check out. Leaves carry the Linkerd DNS name and the SPIFFE URI.
 */
public final class CertificateAuthority {
  /** Linkerd's {@code clockSkewAllowance}: leaves are valid from a little before they are made. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(20);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration ANCHOR_LIFETIME = Duration.ofDays(3650);
  private static final Duration ISSUER_LIFETIME = Duration.ofDays(365);

  private final String trustDomain;
  private final X509Certificate anchor;
  private final PrivateKey anchorKey;
  private final X509Certificate issuer;
  private final PrivateKey issuerKey;
  private final TrustBundle bundle;
  private final Duration lifetime;
  private final Clock clock;

  CertificateAuthority(
      String trustDomain,
      X509Certificate anchor,
      PrivateKey anchorKey,
      X509Certificate issuer,
      PrivateKey issuerKey,
      TrustBundle bundle,
      Duration lifetime,
      Clock clock) {
    // Seconds-long lifetimes are allowed so that tests can watch renewals happen.
    if (lifetime.compareTo(Duration.ofSeconds(5)) < 0
        || lifetime.compareTo(Duration.ofDays(365)) > 0) {
      throw new IdentityException(
          "lifetime: " + lifetime + " (expected: between 5 seconds and 365 days)");
    }
    this.trustDomain = trustDomain;
    this.anchor = anchor;
    this.anchorKey = anchorKey;
    this.issuer = issuer;
    this.issuerKey = issuerKey;
    this.bundle = bundle;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** A new authority: a fresh trust anchor and issuer for {@code trustDomain}. */
  public static CertificateAuthority create(String trustDomain, Duration lifetime, Clock clock) {
    return fresh(trustDomain, lifetime, clock, null);
  }

  /**
   * Step one of an anchor rotation: a new anchor and issuer sign from now on, and the bundle holds
   * the new anchor and the current one, so certificates of either verify until the old anchor is
   * dropped with {@link #dropOldAnchor}.
   */
  public CertificateAuthority rotateAnchor() {
    return fresh(trustDomain, lifetime, clock, anchor);
  }

  private static CertificateAuthority fresh(
      String trustDomain, Duration lifetime, Clock clock, X509Certificate previous) {
    KeyPair anchorKeys = Keys.generate();
    X509Certificate anchor = selfSigned(trustDomain, anchorKeys, clock.instant());
    KeyPair issuerKeys = Keys.generate();
    X509Certificate issuer =
        issuer(trustDomain, anchor, anchorKeys.getPrivate(), issuerKeys, clock);
    return new CertificateAuthority(
        trustDomain,
        anchor,
        anchorKeys.getPrivate(),
        issuer,
        issuerKeys.getPrivate(),
        previous == null ? TrustBundle.of(anchor) : TrustBundle.of(anchor, previous),
        lifetime,
        clock);
  }

  /** Step two: only the current anchor is trusted. */
  public CertificateAuthority dropOldAnchor() {
    return new CertificateAuthority(
        trustDomain, anchor, anchorKey, issuer, issuerKey, TrustBundle.of(anchor), lifetime, clock);
  }

  /** The same authority issuing leaves of another lifetime. */
  public CertificateAuthority withLifetime(Duration next) {
    return new CertificateAuthority(
        trustDomain, anchor, anchorKey, issuer, issuerKey, bundle, next, clock);
  }

  public String trustDomain() {
    return trustDomain;
  }

  public TrustBundle bundle() {
    return bundle;
  }

  public X509Certificate anchor() {
    return anchor;
  }

  PrivateKey anchorKey() {
    return anchorKey;
  }

  public X509Certificate issuer() {
    return issuer;
  }

  PrivateKey issuerKey() {
    return issuerKey;
  }

  public Duration lifetime() {
    return lifetime;
  }

  /**
   * Signs a workload's CSR after its token proved {@code name}: the chain to present, leaf first.
   */
  public List<X509Certificate> certify(byte[] csr, WorkloadName name) {
    return issue(Csr.check(csr, name), name);
  }

  /** A leaf for {@code key} naming {@code name}, and the issuer: the chain to present. */
  public List<X509Certificate> issue(PublicKey key, WorkloadName name) {
    if (!name.trustDomain().equals(trustDomain)) {
      throw new IdentityException(
          "identity: \"" + name + "\" (expected: a name in trust domain " + trustDomain + ")");
    }
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  issuer,
                  serial(),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(now.plus(lifetime)),
                  Keys.subject(name),
                  key)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(
                      new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                      }))
              .addExtension(
                  Extension.subjectAlternativeName,
                  name.dnsName().length() > 64,
                  new GeneralNames(
                      new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, name.dnsName()),
                        new GeneralName(GeneralName.uniformResourceIdentifier, name.spiffeId())
                      }))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer))
              .addExtension(
                  Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
      X509Certificate leaf =
          new JcaX509CertificateConverter().getCertificate(builder.build(Keys.signer(issuerKey)));
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(leaf);
      chain.add(issuer);
      return List.copyOf(chain);
    } catch (CertIOException | CertificateException | java.security.NoSuchAlgorithmException e) {
      throw new IdentityException("certificate: cannot issue for " + name + ": " + e, e);
    }
  }

  private static X509Certificate selfSigned(String trustDomain, KeyPair keys, Instant now) {
    X500Name subject = new X500Name("CN=root.linkerd." + trustDomain);
    return ca(subject, keys.getPublic(), subject, null, keys.getPrivate(), now, ANCHOR_LIFETIME, 1);
  }

  private static X509Certificate issuer(
      String trustDomain, X509Certificate anchor, PrivateKey anchorKey, KeyPair keys, Clock clock) {
    return ca(
        new X500Name("CN=identity.linkerd." + trustDomain),
        keys.getPublic(),
        X500Name.getInstance(anchor.getSubjectX500Principal().getEncoded()),
        anchor,
        anchorKey,
        clock.instant(),
        ISSUER_LIFETIME,
        0);
  }

  private static X509Certificate ca(
      X500Name subject,
      PublicKey key,
      X500Name issuerName,
      X509Certificate issuerCert,
      PrivateKey signingKey,
      Instant now,
      Duration lifetime,
      int pathLength) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  issuerName,
                  serial(),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(now.plus(lifetime)),
                  subject,
                  key)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
      if (issuerCert != null) {
        builder.addExtension(
            Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(Keys.signer(signingKey)));
    } catch (CertIOException | CertificateException | java.security.NoSuchAlgorithmException e) {
      throw new IdentityException("certificate: cannot make " + subject + ": " + e, e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
