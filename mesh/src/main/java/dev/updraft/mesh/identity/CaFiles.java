package dev.updraft.mesh.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  private static final List<String> NAMES =
      List.of(ANCHOR_KEY, ISSUER_KEY, ANCHOR, ISSUER, TRUST_DOMAIN, BUNDLE);

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
    Map<String, String> files = new LinkedHashMap<>();
    for (String name : NAMES) {
      files.put(name, Pem.read(dir.resolve(name)));
    }
    return fromContents(files, lifetime, clock);
  }

  public static void save(Path dir, CertificateAuthority ca) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IdentityException(dir + ": cannot create (" + e.getMessage() + ")", e);
    }
    // The keys first: a crash between two writes leaves keys without certificates, never the
    // reverse.
    contents(ca).forEach((name, text) -> writePrivate(dir.resolve(name), text));
  }

  /**
   * The authority as the texts of its files, by file name, keys first: for a store that keeps them
   * otherwise (the deploy engine seals the keys with its environment's key).
   */
  public static Map<String, String> contents(CertificateAuthority ca) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(ANCHOR_KEY, Pem.write(ca.anchorKey()));
    files.put(ISSUER_KEY, Pem.write(ca.issuerKey()));
    files.put(ANCHOR, Pem.write(ca.anchor()));
    files.put(ISSUER, Pem.write(ca.issuer()));
    files.put(TRUST_DOMAIN, ca.trustDomain() + "\n");
    files.put(BUNDLE, Pem.write(ca.bundle().anchors().toArray()));
    return files;
  }

  /** Reads back what {@link #contents} gave. */
  public static CertificateAuthority fromContents(
      Map<String, String> files, Duration lifetime, Clock clock) {
    for (String name : NAMES) {
      if (files.get(name) == null) {
        throw new IdentityException(name + ": missing (expected: the authority's " + name + ")");
      }
    }
    List<X509Certificate> bundle = Pem.certificates(BUNDLE, files.get(BUNDLE));
    return new CertificateAuthority(
        files.get(TRUST_DOMAIN).trim(),
        Pem.certificates(ANCHOR, files.get(ANCHOR)).getFirst(),
        Pem.privateKey(ANCHOR_KEY, files.get(ANCHOR_KEY)),
        Pem.certificates(ISSUER, files.get(ISSUER)).getFirst(),
        Pem.privateKey(ISSUER_KEY, files.get(ISSUER_KEY)),
        new TrustBundle(bundle),
        lifetime,
        clock);
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
