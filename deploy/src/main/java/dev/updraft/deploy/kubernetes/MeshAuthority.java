package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.SealedAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The environment's mesh authority (trust anchor and issuer) on the kubernetes target, kept in
 * {@code identity/} of the target's data directory with its keys sealed by the environment's key
 * ({@link SealedAuthority}), as the local target keeps its own and as database passwords are kept:
 * made on the first apply or dry run, then the same on every render, so proxies' certificates keep
 * verifying across releases. An operator who brings their own anchor puts the files {@code updraft
 * mesh identity --dir} writes there before the first apply. The cluster gets them in the identity
 * service's Secret.
 */
final class MeshAuthority {
  static final String DIR = "identity";

  private MeshAuthority() {}

  /** The authority's files by name, keys in the clear (for the Secret only); made if missing. */
  static Map<String, String> files(Path dataDir) {
    return SealedAuthority.files(
        dataDir.resolve(DIR),
        EnvironmentKey.of(dataDir),
        MeshNames.TRUST_DOMAIN,
        Duration.ofHours(24));
  }
}
