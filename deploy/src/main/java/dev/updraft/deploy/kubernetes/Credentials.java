package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.state.EnvironmentKey;
import dev.updraft.deploy.state.PrivateFiles;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Database passwords on the kubernetes target. A database initialises its volume with the password
 * of its first start and keeps it, so the password must never change: the one in the cluster's
 * credentials Secret wins; without one, the password kept in the target's data directory (as the
 * local target keeps its own), sealed with the environment's key; without that, a new random one,
 * kept there. A dry run and the apply after it thus render the same password. Every password is
 * registered with the redactor.
 */
final class Credentials {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KubernetesClient client;
  private final String namespace;
  private final Path dir;
  private final Redactor redactor;
  private final EnvironmentKey key;
  private final Map<String, String> known = new ConcurrentHashMap<>();

  /**
   * @param client the cluster to look in, or null (dry run)
   * @param dataDir the target's data directory: passwords are kept in its {@code credentials/},
   *     sealed with its key
   */
  Credentials(KubernetesClient client, String namespace, Path dataDir, Redactor redactor) {
    this.client = client;
    this.namespace = namespace;
    this.dir = dataDir.resolve("credentials");
    this.redactor = redactor;
    this.key = EnvironmentKey.of(dataDir);
  }

  String password(String database) {
    String password = known.computeIfAbsent(database, this::find);
    redactor.add(password);
    return password;
  }

  private String find(String database) {
    Path file = dir.resolve(database + ".password");
    String inCluster = client == null ? null : inCluster(database);
    try {
      if (inCluster != null) {
        keep(file, database, inCluster);
        return inCluster;
      }
      if (Files.exists(file)) {
        String stored = Files.readString(file).strip();
        String password = key.open(field(database), stored);
        if (!EnvironmentKey.isSealed(stored)) {
          keep(file, database, password); // an older updraft kept it in plain text
        }
        return password;
      }
      byte[] random = new byte[18];
      RANDOM.nextBytes(random);
      String password = HexFormat.of().formatHex(random);
      keep(file, database, password);
      return password;
    } catch (IOException e) {
      throw new UncheckedIOException("database password " + file + ": " + e.getMessage(), e);
    }
  }

  private String inCluster(String database) {
    Secret secret =
        client.secrets().inNamespace(namespace).withName(Labels.credentials(database)).get();
    if (secret == null || secret.getData() == null || secret.getData().get("password") == null) {
      return null;
    }
    return new String(
        Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8);
  }

  private void keep(Path file, String database, String password) throws IOException {
    if (Files.exists(file)) {
      String stored = Files.readString(file).strip();
      if (EnvironmentKey.isSealed(stored) && key.open(field(database), stored).equals(password)) {
        return;
      }
    }
    PrivateFiles.write(file, key.seal(field(database), password));
  }

  private static String field(String database) {
    return "database " + database + " password";
  }
}
