package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves secret references (environment variable, file, inline) once, registers every value with
 * the redactor so no event, log line or error shows it, and fails clearly when one is missing.
 */
public final class Secrets {
  private final EnvironmentSpec spec;
  private final Redactor redactor;
  private final Map<String, String> hostEnv;

  public Secrets(EnvironmentSpec spec, Redactor redactor, Map<String, String> hostEnv) {
    this.spec = spec;
    this.redactor = redactor;
    this.hostEnv = hostEnv;
  }

  public Map<String, String> valuesOf(Service service) {
    Map<String, Service.SecretRef> refs =
        switch (service) {
          case Service.Application a -> a.process().secrets();
          case Service.Job j -> j.process().secrets();
          case Service.Container c -> c.secrets();
          default -> Map.of();
        };
    Map<String, String> values = new LinkedHashMap<>();
    refs.forEach((name, ref) -> values.put(name, resolve(service.name(), name, ref)));
    return values;
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
