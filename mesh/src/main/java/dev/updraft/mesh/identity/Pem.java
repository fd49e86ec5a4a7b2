package dev.updraft.mesh.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text of certificates and private keys, read and written by Bouncy Castle. */
public final class Pem {
  private Pem() {}

  /** PEM text of the objects, in order (certificates, or a PKCS#8 private key). */
  public static String write(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        if (object instanceof PrivateKey key) {
          // PKCS#8, which keeps the curve and reads back as a PrivateKeyInfo.
          pem.writeObject(new JcaPKCS8Generator(key, null));
        } else {
          pem.writeObject(object);
        }
      }
    } catch (IOException e) {
      throw new IdentityException("PEM: cannot encode: " + e.getMessage(), e);
    }
    return out.toString();
  }

  /** Every certificate in PEM text; {@code field} names the text in errors. */
  public static List<X509Certificate> certificates(String field, String text) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object next;
      while ((next = parser.readObject()) != null) {
        if (!(next instanceof X509CertificateHolder holder)) {
          throw new IdentityException(
              field + ": a " + next.getClass().getSimpleName() + " (expected: CERTIFICATE blocks)");
        }
        out.add(new JcaX509CertificateConverter().getCertificate(holder));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      if (e instanceof IdentityException known) {
        throw known;
      }
      throw new IdentityException(field + ": not PEM certificates (" + e.getMessage() + ")", e);
    }
    if (out.isEmpty()) {
      throw new IdentityException(field + ": no certificate (expected: CERTIFICATE blocks)");
    }
    return out;
  }

  /** The private key in PEM text (PKCS#8 or SEC 1). */
  public static PrivateKey privateKey(String field, String text) {
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object next = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return switch (next) {
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
        case null, default ->
            throw new IdentityException(field + ": no private key (expected: a PRIVATE KEY block)");
      };
    } catch (IOException e) {
      throw new IdentityException(field + ": not a PEM private key (" + e.getMessage() + ")", e);
    }
  }

  static List<X509Certificate> readCertificates(Path file) {
    return certificates(file.toString(), read(file));
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IdentityException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }
}
