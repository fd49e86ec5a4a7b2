package dev.updraft.mesh.identity;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Certificate signing requests: a workload makes one for its own key (which never leaves it), and
 * the authority checks one before it signs, as Linkerd's identity service does: a valid
 * self-signature, an ECDSA P-256 key, and exactly one SAN, the DNS name its token proved; URI, IP
 * and e-mail SANs are refused (the authority adds the SPIFFE URI itself).
 */
public final class Csr {
  private Csr() {}

  /** The DER CSR for {@code keys}, naming {@code name}. */
  public static byte[] create(java.security.KeyPair keys, WorkloadName name) {
    try {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, name.dnsName())));
      return new JcaPKCS10CertificationRequestBuilder(Keys.subject(name), keys.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
          .build(Keys.signer(keys.getPrivate()))
          .getEncoded();
    } catch (java.io.IOException e) {
      throw new IdentityException("csr: cannot encode for " + name + ": " + e.getMessage(), e);
    }
  }

  /** The CSR's public key, once the CSR passed every check for {@code name}. */
  static PublicKey check(byte[] der, WorkloadName name) {
    JcaPKCS10CertificationRequest csr;
    try {
      csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(der));
    } catch (java.io.IOException | RuntimeException e) {
      throw new IdentityException("csr: not a DER PKCS#10 request (" + e.getMessage() + ")", e);
    }
    try {
      if (!Keys.isP256(csr.getSubjectPublicKeyInfo())) {
        throw new IdentityException(
            "csr: key "
                + csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm()
                + " (expected: an ECDSA P-256 key)");
      }
      if (!csr.isSignatureValid(
          new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
        throw new IdentityException("csr: signature does not verify with its own key");
      }
      List<String> dns = new ArrayList<>();
      for (GeneralName san : sans(csr)) {
        if (san.getTagNo() != GeneralName.dNSName) {
          throw new IdentityException(
              "csr: SAN of type "
                  + san.getTagNo()
                  + " (expected: DNS names only; the authority adds the SPIFFE URI)");
        }
        dns.add(san.getName().toString());
      }
      if (dns.size() != 1 || !dns.getFirst().equals(name.dnsName())) {
        throw new IdentityException(
            "csr: DNS SANs " + dns + " (expected: exactly [" + name.dnsName() + "])");
      }
      return csr.getPublicKey();
    } catch (IdentityException e) {
      throw e;
    } catch (Exception e) { // BC reports malformed content with many unchecked and checked types
      throw new IdentityException("csr: malformed (" + e.getMessage() + ")", e);
    }
  }

  private static List<GeneralName> sans(JcaPKCS10CertificationRequest csr) {
    List<GeneralName> out = new ArrayList<>();
    for (Attribute attribute :
        csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (ASN1Encodable value : attribute.getAttrValues()) {
        GeneralNames names =
            GeneralNames.fromExtensions(
                Extensions.getInstance(value), Extension.subjectAlternativeName);
        if (names != null) {
          out.addAll(List.of(names.getNames()));
        }
      }
    }
    return out;
  }
}
