package dev.updraft.deploy.apply;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A service's dependencies: explicit {@code dependsOn}, routes, and {@code ${...}} references. */
public final class Dependencies {
  private Dependencies() {}

  public static Set<String> of(EnvironmentSpec spec, Service service) {
    Set<String> deps = new LinkedHashSet<>(service.dependsOn());
    for (String value : env(service).values()) {
      for (Reference ref : Reference.in(value)) {
        if (ref.service() != null
            && spec.service(ref.service()) != null
            && !ref.service().equals(service.name())) {
          deps.add(ref.service());
        }
      }
    }
    return deps;
  }

  /** The variables a service declares, references unresolved. */
  public static Map<String, String> env(Service service) {
    return switch (service) {
      case Service.Application a -> a.process().env();
      case Service.Job j -> j.process().env();
      case Service.Container c -> c.env();
      default -> Map.of();
    };
  }
}
