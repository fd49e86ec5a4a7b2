package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.state.EnvironmentKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Resolves secret references (environment variable, file, inline) once, registers every value with
 * the redactor so no event, log line or error shows it, and fails clearly when one is missing. A
 * service's secrets have a fingerprint, a MAC with the environment's key: plans see that they
 * changed, and nothing on disk holds them or a hash that could be reversed.
 */
public final class Secrets {
  private final EnvironmentSpec spec;
  private final Redactor redactor;
  private final Map<String, String> hostEnv;
  private final EnvironmentKey key;

  public Secrets(
      EnvironmentSpec spec, Redactor redactor, Map<String, String> hostEnv, EnvironmentKey key) {
    this.spec = spec;
    this.redactor = redactor;
    this.hostEnv = hostEnv;
    this.key = key;
  }

  public Map<String, String> valuesOf(Service service) {
    Map<String, String> values = new LinkedHashMap<>();
    refs(service).forEach((name, ref) -> values.put(name, resolve(service.name(), name, ref)));
    return values;
  }

  /** A MAC of the service's secret values with the environment's key; empty without secrets. */
  public String fingerprint(Service service) {
    Map<String, String> values = new TreeMap<>(valuesOf(service));
    return values.isEmpty()
        ? ""
        : key.fingerprint("secrets of " + service.name(), values.toString());
  }

  /**
   * The files secrets are read from, wherever a service's source directory holds one: they are
   * neither copied into artifacts nor hashed into versions (their fingerprint is).
   */
  public static Set<Path> files(EnvironmentSpec spec) {
    Set<Path> files = new HashSet<>();
    for (Service service : spec.services().values()) {
      refs(service).values().stream()
          .filter(ref -> ref.file() != null)
          .forEach(
              ref -> files.add(spec.baseDir().resolve(ref.file()).toAbsolutePath().normalize()));
    }
    return files;
  }

  private static Map<String, Service.SecretRef> refs(Service service) {
    return switch (service) {
      case Service.Application a -> a.process().secrets();
      case Service.Job j -> j.process().secrets();
      case Service.Container c -> c.secrets();
      default -> Map.of();
    };
  }

  private String resolve(String service, String name, Service.SecretRef ref) {
    String value;
    if (ref.value() != null) {
      value = ref.value();
    } else if (ref.env() != null) {
      value = hostEnv.get(ref.env());
      if (value == null) {
        throw new DeployException(
            "SECRET_MISSING",
            service + ": secret " + name + " comes from $" + ref.env() + ", which is not set",
            "export " + ref.env() + " before running updraft",
            null);
      }
    } else {
      Path file = spec.baseDir().resolve(ref.file());
      try {
        value = Files.readString(file).strip();
      } catch (IOException e) {
        throw new DeployException(
            "SECRET_MISSING",
            service + ": secret " + name + " file " + file + " cannot be read",
            "create the file or fix secrets." + name + ".file",
            null);
      }
    }
    redactor.add(value);
    return value;
  }
}
