package dev.updraft.deploy.state;

import dev.updraft.mesh.identity.CaFiles;
import dev.updraft.mesh.identity.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * An environment's mesh authority at rest, for both targets: the files {@link CaFiles} names, in a
 * private directory, the keys sealed with the environment's key like every secret at rest. Made on
 * first use; files already there (an operator's own, keys plain or sealed) are used as they are.
 */
public final class SealedAuthority {
  private SealedAuthority() {}

  /**
   * The authority's files by name, keys opened, from {@code home}, made there first (a new anchor
   * and issuer for {@code trustDomain}) if it has no trust bundle.
   */
  public static Map<String, String> files(
      Path home, EnvironmentKey key, String trustDomain, Duration lifetime) {
    PrivateFiles.directories(home);
    Map<String, String> files = new TreeMap<>();
    try {
      if (!Files.exists(home.resolve(CaFiles.BUNDLE))) {
        CertificateAuthority ca =
            CertificateAuthority.create(trustDomain, lifetime, Clock.systemUTC());
        // The bundle last: its presence says the rest is complete.
        CaFiles.contents(ca)
            .forEach(
                (name, text) ->
                    PrivateFiles.write(
                        home.resolve(name),
                        name.endsWith("-key.pem") ? key.seal(field(name), text) : text));
      }
      try (var list = Files.list(home)) {
        for (Path file : list.toList()) {
          String name = file.getFileName().toString();
          if (name.matches("[a-z-]+(\\.pem)?")) { // not a temporary file of an interrupted write
            files.put(name, key.open(field(name), Files.readString(file)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(home + ": cannot read the mesh authority", e);
    }
    return files;
  }

  private static String field(String file) {
    return "mesh identity " + file;
  }
}
