package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.Planner;
import dev.updraft.deploy.apply.Secrets;
import dev.updraft.deploy.apply.Versions;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.DatabaseEngine;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.EnvironmentKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dry run of the kubernetes target: the whole environment's objects as one YAML file each,
 * numbered in apply order (the Namespace first, every service after what it depends on), so that
 * {@code kubectl apply -f DIR} creates the same environment an apply would. Nothing is contacted.
 * Secret manifests hold the secret values (readable by the owner only), unless redacted.
 */
public final class Manifests {
  /** What a dry run wrote, and what it could not know. */
  public record Written(List<Path> files, List<String> warnings) {}

  private static final String MASK = "******";

  private Manifests() {}

  /**
   * @param deployed what the journal records, for job outputs of earlier runs
   * @param dataDir the target's data directory, where database passwords and the key are kept
   * @param redact whether Secret values are written as {@code ******} (golden files)
   */
  public static Written write(
      EnvironmentSpec spec,
      Map<String, String> hostEnv,
      Redactor redactor,
      Map<String, ServiceState> deployed,
      Path dataDir,
      Path out,
      boolean redact) {
    Secrets secrets = new Secrets(spec, redactor, hostEnv, EnvironmentKey.of(dataDir));
    Map<String, String> versions = Versions.of(spec, secrets);
    Credentials credentials = new Credentials(null, spec.namespace(), dataDir, redactor);
    KubernetesRenderer renderer = new KubernetesRenderer(spec);
    List<String> warnings = new ArrayList<>();
    Map<String, Map<String, String>> attributes = new LinkedHashMap<>();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(renderer.namespace());
    if (MeshNames.any(spec)) {
      objects.addAll(new IdentityObjects(spec, renderer).render(MeshAuthority.files(dataDir)));
    }
    for (String name : Planner.order(spec)) {
      Service service = spec.service(name);
      String password =
          service instanceof Service.Database d && d.engine() == DatabaseEngine.POSTGRES
              ? credentials.password(name)
              : null;
      attributes.put(
          name,
          service instanceof Service.Job && deployed.containsKey(name)
              ? deployed.get(name).attributes()
              : Attributes.of(spec, service, password));
      Map<String, String> env =
          MeshNames.env(
              spec, service, (variable, ref) -> resolve(name, variable, ref, attributes, warnings));
      KubernetesRenderer.Env split = Environments.split(env, secrets.valuesOf(service), redactor);
      objects.addAll(renderer.render(service, versions.get(name), null, split, password));
    }
    List<Path> files = write(objects, out, redact);
    images(spec, versions, out).ifPresent(files::add);
    return new Written(files, warnings);
  }

  /**
   * The images the manifests expect, each with the directory it is built from and its base image. A
   * dry run stays offline, so it builds nothing: {@code updraft deploy apply} builds and pushes
   * these, or a CI step does before {@code kubectl apply}.
   */
  private static java.util.Optional<Path> images(
      EnvironmentSpec spec, Map<String, String> versions, Path out) {
    StringBuilder text = new StringBuilder();
    for (Service service : spec.services().values()) {
      service
          .source()
          .ifPresent(
              process ->
                  text.append(
                          KubernetesRenderer.image(
                              spec, service.name(), versions.get(service.name())))
                      .append(' ')
                      .append(process.path())
                      .append(' ')
                      .append(process.baseImage())
                      .append('\n'));
    }
    if (text.isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      Path file = out.resolve("images.txt");
      Files.writeString(
          file,
          "# image, the directory (relative to the spec) it is built from, its base image\n"
              + text);
      return java.util.Optional.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resolve(
      String service,
      String variable,
      Reference ref,
      Map<String, Map<String, String>> attributes,
      List<String> warnings) {
    Map<String, String> of = attributes.getOrDefault(ref.service(), Map.of());
    String value = of.get(ref.attribute());
    if (value == null) {
      warnings.add(
          service
              + ": "
              + variable
              + " is rendered empty: "
              + ref.text()
              + " is known only once "
              + ref.service()
              + " has run (apply once, then dry runs use its recorded outputs)");
      return "";
    }
    return value;
  }

  private static List<Path> write(List<HasMetadata> objects, Path out, boolean redact) {
    try {
      Files.createDirectories(out);
      removeEarlierRun(out);
      List<Path> files = new ArrayList<>();
      int n = 0;
      for (HasMetadata object : objects) {
        String file =
            String.format(
                Locale.ROOT,
                "%03d-%s-%s.yaml",
                n++,
                object.getKind().toLowerCase(Locale.ROOT),
                object.getMetadata().getName());
        Path path = out.resolve(file);
        boolean secret = object instanceof Secret;
        HasMetadata written = secret && redact ? masked((Secret) object) : object;
        Files.deleteIfExists(path);
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        Files.writeString(path, Serialization.asYaml(written));
        files.add(path);
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("dry run into " + out + ": " + e.getMessage(), e);
    }
  }

  /** A service gone from the spec must not stay in the directory, or kubectl would apply it. */
  private static void removeEarlierRun(Path out) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(out, "[0-9][0-9][0-9]-*.yaml")) {
      for (Path file : files) {
        Files.delete(file);
      }
    }
  }

  private static Secret masked(Secret secret) {
    Map<String, String> data = new TreeMap<>();
    secret.getData().keySet().forEach(k -> data.put(k, MASK));
    return new SecretBuilder(secret).withData(data).build();
  }
}
