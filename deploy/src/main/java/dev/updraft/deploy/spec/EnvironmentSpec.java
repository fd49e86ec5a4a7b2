package dev.updraft.deploy.spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated environment: its services by name (in spec order), its target, and the directory the
 * spec lives in (application paths are relative to it).
 */
public record EnvironmentSpec(
    String environment,
    String target,
    Path baseDir,
    Map<String, Service> services,
    Kubernetes kubernetes) {
  /** Settings of the kubernetes target. */
  public record Kubernetes(String namespace, String ingressClass, String registry) {
    public static final Kubernetes DEFAULT = new Kubernetes(null, null, null);
  }

  public EnvironmentSpec {
    services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
  }

  public Service service(String name) {
    return services.get(name);
  }

  public <T extends Service> List<T> all(Class<T> kind) {
    return services.values().stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
