package dev.updraft.deploy.apply;

import dev.updraft.deploy.journal.Fingerprint;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A service's version: a hash of everything that defines what runs, its definition in the spec, the
 * fingerprint of its secret values (a MAC with the environment's key, {@link Secrets}) and, for
 * applications and jobs, the files of its source directory (files secrets are read from left out).
 * Same version, nothing to do; another version, a rolling replacement.
 */
public final class Versions {
  /** Directories that builds write into: they are outputs, not sources. */
  private static final Set<String> OUTPUTS =
      Set.of("out", "build", "target", "node_modules", "dist");

  private Versions() {}

  // Record components by class, looked up once: reflection on each call cost more than hashing.
  private static final ClassValue<RecordComponent[]> COMPONENTS =
      new ClassValue<>() {
        @Override
        protected RecordComponent[] computeValue(Class<?> type) {
          RecordComponent[] components = type.getRecordComponents();
          for (RecordComponent c : components) {
            c.getAccessor().setAccessible(true);
          }
          return components;
        }
      };

  public static Map<String, String> of(EnvironmentSpec spec, Secrets secrets) {
    return compute(spec, secrets).versions();
  }

  /** The versions of a spec's services, and what each was made of, by service. */
  public record Computed(Map<String, String> versions, Map<String, Fingerprint> fingerprints) {}

  public static Computed compute(EnvironmentSpec spec, Secrets secrets) {
    Map<String, String> versions = new LinkedHashMap<>();
    Map<String, Fingerprint> fingerprints = new LinkedHashMap<>();
    Map<Path, byte[]> trees = new HashMap<>(); // services often share a source directory
    Set<Path> secretFiles = Secrets.files(spec);
    for (Service service : spec.services().values()) {
      String secretPrint = secrets.fingerprint(service);
      byte[] tree =
          service
              .source()
              .map(
                  p ->
                      trees.computeIfAbsent(
                          spec.baseDir().resolve(p.path()).normalize(),
                          root -> treeDigest(root, secretFiles)))
              .orElse(null);
      versions.put(service.name(), version(service, secretPrint, tree));
      fingerprints.put(
          service.name(),
          new Fingerprint(
              secretPrint.isEmpty() ? "" : secretPrint.substring(0, 16),
              tree == null ? "" : HexFormat.of().formatHex(tree).substring(0, 12)));
    }
    return new Computed(versions, fingerprints);
  }

  static String of(EnvironmentSpec spec, Service service, Secrets secrets) {
    byte[] tree =
        service
            .source()
            .map(p -> treeDigest(spec.baseDir().resolve(p.path()).normalize(), Secrets.files(spec)))
            .orElse(null);
    return version(service, secrets.fingerprint(service), tree);
  }

  private static String version(Service service, String secretPrint, byte[] tree) {
    MessageDigest digest = sha256();
    update(digest, canonical(service));
    // "{}" for no secrets, as versions were hashed before secrets had fingerprints: a service
    // without secrets keeps its version across that change.
    update(digest, secretPrint.isEmpty() ? "{}" : secretPrint);
    if (tree != null) {
      digest.update(tree);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
  }

  private static byte[] treeDigest(Path root, Set<Path> leaveOut) {
    MessageDigest digest = sha256();
    hashTree(digest, root, leaveOut);
    return digest.digest();
  }

  /**
   * A service's definition as text: record components by name, absent (null or empty) ones left
   * out, maps by key. A field added to the spec model later changes no version where it is unset.
   */
  static String canonical(Object value) {
    return switch (value) {
      case Record r -> {
        StringBuilder text = new StringBuilder(r.getClass().getSimpleName()).append('{');
        for (RecordComponent c : COMPONENTS.get(r.getClass())) {
          Object v;
          try {
            v = c.getAccessor().invoke(r);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
          boolean absent =
              v == null
                  || v instanceof Collection<?> list && list.isEmpty()
                  || v instanceof Map<?, ?> map && map.isEmpty();
          if (!absent) {
            text.append(c.getName()).append('=').append(canonical(v)).append(';');
          }
        }
        yield text.append('}').toString();
      }
      case Map<?, ?> map -> {
        Map<String, String> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(String.valueOf(k), v == null ? "" : canonical(v)));
        yield sorted.toString();
      }
      case Collection<?> list -> list.stream().map(Versions::canonical).toList().toString();
      // As the spec spells it: versions written while it was a string stay the same.
      case Service.When when -> when.word();
      default -> String.valueOf(value);
    };
  }

  /**
   * The key of a build's output: the source files and the build command. Services that share both
   * share one artifact, built once.
   */
  public static String artifactKey(Path source, String build, Set<Path> leaveOut) {
    MessageDigest digest = sha256();
    hashTree(digest, source, leaveOut);
    update(digest, build == null ? "" : build);
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }

  private static void hashTree(MessageDigest digest, Path root, Set<Path> leaveOut) {
    if (!Files.isDirectory(root)) {
      update(digest, "missing:" + root);
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> sorted =
          files
              .filter(Files::isRegularFile)
              .filter(p -> !isOutput(root.relativize(p)))
              .filter(p -> !leaveOut.contains(p.toAbsolutePath().normalize()))
              .sorted()
              .toList();
      for (Path file : sorted) {
        update(digest, root.relativize(file).toString());
        digest.update(Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isOutput(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || OUTPUTS.contains(name)) {
        return true;
      }
    }
    return false;
  }

  private static void update(MessageDigest digest, String text) {
    digest.update(text.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
