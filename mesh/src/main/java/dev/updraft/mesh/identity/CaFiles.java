package dev.updraft.mesh.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * An authority kept in a directory: {@code anchors.pem} (the trust bundle proxies are given), the
 * newest anchor's and the issuer's certificates, and their keys in files only the owner can read.
 */
public final class CaFiles {
  public static final String BUNDLE = "anchors.pem";
  static final String ANCHOR = "anchor.pem";
  static final String ANCHOR_KEY = "anchor-key.pem";
  static final String ISSUER = "issuer.pem";
  static final String ISSUER_KEY = "issuer-key.pem";
  static final String TRUST_DOMAIN = "trust-domain";

  private CaFiles() {}

  /** The authority in {@code dir}, made there first if the directory has none. */
  public static CertificateAuthority loadOrCreate(
      Path dir, String trustDomain, Duration lifetime, Clock clock) {
    if (Files.exists(dir.resolve(ISSUER_KEY))) {
      CertificateAuthority ca = load(dir, lifetime, clock);
      if (!ca.trustDomain().equals(trustDomain)) {
        throw new IdentityException(
            "trustDomain: \""
                + trustDomain
                + "\" (expected: \""
                + ca.trustDomain()
                + "\", the domain of the authority in "
                + dir
                + ")");
      }
      return ca;
    }
    CertificateAuthority ca = CertificateAuthority.create(trustDomain, lifetime, clock);
    save(dir, ca);
    return ca;
  }

  public static CertificateAuthority load(Path dir, Duration lifetime, Clock clock) {
    List<X509Certificate> bundle = Pem.readCertificates(dir.resolve(BUNDLE));
    return new CertificateAuthority(
        Pem.read(dir.resolve(TRUST_DOMAIN)).trim(),
        Pem.readCertificates(dir.resolve(ANCHOR)).getFirst(),
        Pem.privateKey(ANCHOR_KEY, Pem.read(dir.resolve(ANCHOR_KEY))),
        Pem.readCertificates(dir.resolve(ISSUER)).getFirst(),
        Pem.privateKey(ISSUER_KEY, Pem.read(dir.resolve(ISSUER_KEY))),
        new TrustBundle(bundle),
        lifetime,
        clock);
  }

  public static void save(Path dir, CertificateAuthority ca) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IdentityException(dir + ": cannot create (" + e.getMessage() + ")", e);
    }
    writePrivate(dir.resolve(ANCHOR_KEY), Pem.write(ca.anchorKey()));
    writePrivate(dir.resolve(ISSUER_KEY), Pem.write(ca.issuerKey()));
    writePrivate(dir.resolve(ANCHOR), Pem.write(ca.anchor()));
    writePrivate(dir.resolve(ISSUER), Pem.write(ca.issuer()));
    writePrivate(dir.resolve(TRUST_DOMAIN), ca.trustDomain() + "\n");
    writePrivate(dir.resolve(BUNDLE), Pem.write(ca.bundle().anchors().toArray()));
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a file. */
  static void writePrivate(Path file, String text) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IdentityException(file + ": cannot write (" + e.getMessage() + ")", e);
    }
  }
}
