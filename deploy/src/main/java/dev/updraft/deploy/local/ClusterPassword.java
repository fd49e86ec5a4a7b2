package dev.updraft.deploy.local;

import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import dev.updraft.deploy.state.SealedValueException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The password of a PostgreSQL cluster's {@code postgres} user, kept beside the cluster in {@code
 * <name>.password} (0600), sealed with the environment's key: a cluster outlives its environment's
 * state directory (as root it lives elsewhere, and {@code destroy} keeps data), and its password
 * must then be known or be set again.
 *
 * @param file where it is kept
 * @param key the environment's key, which seals it
 * @param field what it is sealed as: a sealed password moved to another database does not open
 */
record ClusterPassword(Path file, EnvironmentKey key, String field) {
  private static final SecureRandom RANDOM = new SecureRandom();

  ClusterPassword {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(field, "field");
  }

  /** The password file of the cluster {@code data} of the database {@code name}. */
  static ClusterPassword of(Path data, String name, EnvironmentKey key) {
    return new ClusterPassword(
        data.resolveSibling(name + ".password"), key, "database " + name + " password");
  }

  /**
   * The password kept, if there is one this key opens. One an older updraft kept in plain text is
   * sealed in its place; one sealed with another key (this environment's state directory was
   * removed, the cluster kept) is left as it is until a new one is {@linkplain #keep kept}.
   */
  Optional<String> kept() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String stored = Files.readString(file).trim();
      String password = key.open(field, stored);
      if (!EnvironmentKey.isSealed(stored)) {
        keep(password);
      }
      return password.isEmpty() ? Optional.empty() : Optional.of(password);
    } catch (SealedValueException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Seals {@code password} into the file, replacing what it held. */
  void keep(String password) {
    PrivateFiles.write(file, key.seal(field, password) + "\n");
  }

  /** A new password: 144 random bits in hex, which nothing in SQL or a URL needs to escape. */
  static String generate() {
    byte[] random = new byte[18];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
