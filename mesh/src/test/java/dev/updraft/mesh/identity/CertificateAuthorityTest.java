package dev.updraft.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  // Chains are verified against the real time (MeshTrustManager), so the CA's clock is today's:
  // a fixed date made these tests fail once its certificates had expired.
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
  private static final WorkloadName WEB =
      new WorkloadName("web", "shop", "updraft", "cluster.local");
  private final CertificateAuthority ca =
      CertificateAuthority.create("cluster.local", Duration.ofHours(24), clock);

  @Test
  void issuesALeafNamingTheWorkloadBothWaysForItsLifetime() throws Exception {
    KeyPair keys = Keys.generate();
    List<X509Certificate> chain = ca.certify(Csr.create(keys, WEB), WEB);
    X509Certificate leaf = chain.getFirst();
    assertThat(MeshTrustManager.names(leaf)).containsExactly(WEB.dnsName(), WEB.spiffeId());
    assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(24)));
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(now.minusSeconds(20));
    assertThat(chain.get(1)).isEqualTo(ca.issuer());
    assertThat(ca.anchor().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThatCode(() -> MeshTrustManager.verify(ca.bundle(), chain)).doesNotThrowAnyException();
  }

  @Test
  void refusesCsrsThatNameAnotherWorkload() {
    WorkloadName other = new WorkloadName("admin", "shop", "updraft", "cluster.local");
    assertThatThrownBy(() -> ca.certify(Csr.create(Keys.generate(), other), WEB))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining(
            "csr: DNS SANs [" + other.dnsName() + "] (expected: exactly [" + WEB.dnsName());
  }

  @Test
  void refusesUriSansRsaKeysBadSignaturesAndGarbage() throws Exception {
    KeyPair keys = Keys.generate();
    ExtensionsGenerator uri = new ExtensionsGenerator();
    uri.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, WEB.spiffeId())));
    byte[] withUri =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
            .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, uri.generate())
            .build(Keys.signer(keys.getPrivate()))
            .getEncoded();
    assertThatThrownBy(() -> ca.certify(withUri, WEB)).hasMessageContaining("csr: SAN of type 6");

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaKeys = rsa.generateKeyPair();
    byte[] rsaCsr =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), rsaKeys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(rsaKeys.getPrivate()))
            .getEncoded();
    assertThatThrownBy(() -> ca.certify(rsaCsr, WEB))
        .hasMessageContaining("expected: an ECDSA P-256 key");

    byte[] tampered = Csr.create(keys, WEB);
    tampered[tampered.length - 5] ^= 0x01;
    assertThatThrownBy(() -> ca.certify(tampered, WEB)).isInstanceOf(IdentityException.class);

    assertThatThrownBy(() -> ca.certify(new byte[] {0x30, 0x03, 1, 2, 3}, WEB))
        .isInstanceOf(IdentityException.class)
        .hasMessageStartingWith("csr: ");
  }

  @Test
  void aRotatedBundleTrustsBothAnchorsUntilTheOldOneIsDropped() {
    List<X509Certificate> old = ca.issue(Keys.generate().getPublic(), WEB);
    CertificateAuthority rotated = ca.rotateAnchor();
    List<X509Certificate> fresh = rotated.issue(Keys.generate().getPublic(), WEB);
    assertThat(rotated.bundle().anchors()).hasSize(2);
    assertThatCode(() -> MeshTrustManager.verify(rotated.bundle(), old)).doesNotThrowAnyException();
    assertThatCode(() -> MeshTrustManager.verify(rotated.bundle(), fresh))
        .doesNotThrowAnyException();
    CertificateAuthority done = rotated.dropOldAnchor();
    assertThatThrownBy(() -> MeshTrustManager.verify(done.bundle(), old))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("does not verify against the mesh's trust anchors");
    assertThatCode(() -> MeshTrustManager.verify(done.bundle(), fresh)).doesNotThrowAnyException();
  }

  @Test
  void refusesExpiredLeavesAndLeavesOfAnotherAuthority() {
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
    CertificateAuthority yesterday =
        CertificateAuthority.create("cluster.local", Duration.ofHours(1), past);
    List<X509Certificate> expired = yesterday.issue(Keys.generate().getPublic(), WEB);
    assertThatThrownBy(() -> MeshTrustManager.verify(yesterday.bundle(), expired))
        .isInstanceOf(CertificateException.class);
    List<X509Certificate> foreign = yesterday.issue(Keys.generate().getPublic(), WEB);
    assertThatThrownBy(() -> MeshTrustManager.verify(ca.bundle(), foreign))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void keepsItselfInADirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    CertificateAuthority made =
        CaFiles.loadOrCreate(dir, "cluster.local", Duration.ofHours(24), clock);
    CertificateAuthority loaded =
        CaFiles.loadOrCreate(dir, "cluster.local", Duration.ofHours(24), clock);
    assertThat(loaded.issuer()).isEqualTo(made.issuer());
    assertThat(loaded.bundle()).isEqualTo(made.bundle());
    assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve(CaFiles.ISSUER_KEY)))
        .hasToString("[OWNER_READ, OWNER_WRITE]");
    assertThatThrownBy(() -> CaFiles.loadOrCreate(dir, "other.local", Duration.ofHours(1), clock))
        .hasMessageContaining("trustDomain: \"other.local\" (expected: \"cluster.local\"");
  }

  @Test
  void refusesBundlesOfMoreThanTwoAnchors() {
    assertThatThrownBy(() -> new TrustBundle(List.of(ca.anchor(), ca.anchor(), ca.anchor())))
        .hasMessage(
            "trustAnchors: 3 certificates (expected: 1 or 2, two while an anchor is rotated)");
    assertThatThrownBy(() -> TrustBundle.of(ca.issue(Keys.generate().getPublic(), WEB).getFirst()))
        .hasMessageContaining("is not a CA certificate");
  }
}
