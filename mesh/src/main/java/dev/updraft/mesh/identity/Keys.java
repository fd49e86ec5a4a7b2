package dev.updraft.mesh.identity;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** ECDSA P-256 keys, the only kind the mesh issues to or accepts from workloads (as Linkerd). */
final class Keys {
  static final String SIGNATURE = "SHA256withECDSA";

  private Keys() {}

  static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IdentityException("key: cannot generate an ECDSA P-256 key: " + e.getMessage(), e);
    }
  }

  static ContentSigner signer(java.security.PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(SIGNATURE).build(key);
    } catch (OperatorCreationException e) {
      throw new IdentityException("key: cannot sign with " + key.getAlgorithm(), e);
    }
  }

  /**
   * A subject naming {@code name} in its CN when it fits RFC 5280's 64 characters, else empty: the
   * SAN is what peers check, and with an empty subject the SAN is marked critical.
   */
  static org.bouncycastle.asn1.x500.X500Name subject(WorkloadName name) {
    return name.dnsName().length() <= 64
        ? new org.bouncycastle.asn1.x500.X500Name("CN=" + name.dnsName())
        : new org.bouncycastle.asn1.x500.X500Name(new org.bouncycastle.asn1.x500.RDN[0]);
  }

  static boolean isP256(SubjectPublicKeyInfo key) {
    return key.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
        && key.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve
        && curve.equals(X9ObjectIdentifiers.prime256v1);
  }
}
