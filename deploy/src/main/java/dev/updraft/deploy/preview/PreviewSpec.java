package dev.updraft.deploy.preview;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.TargetName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A preview's spec, derived from its source's each time it is read: the preview's name (so its own
 * state directory, supervisor, journal and key), and on the local target its own ports: the
 * routers' chosen at creation, applications' and databases' chosen free by the engine at the first
 * apply and kept by the journal. On Kubernetes ports stay (a namespace of their own separates
 * them), the namespace is the preview's, and router hosts get the preview's name in front.
 */
public final class PreviewSpec {
  private PreviewSpec() {}

  public static EnvironmentSpec derive(EnvironmentSpec source, Preview preview) {
    if (!source.environment().equals(preview.source())) {
      throw new IllegalArgumentException(
          source.baseDir()
              + ": environment \""
              + source.environment()
              + "\" (expected: \""
              + preview.source()
              + "\", the source of preview "
              + preview.name()
              + ")");
    }
    boolean kubernetes = source.target() == TargetName.KUBERNETES;
    Map<String, Service> services = new LinkedHashMap<>();
    for (Service service : source.services().values()) {
      services.put(service.name(), kubernetes ? hosts(service, preview) : ports(service, preview));
    }
    EnvironmentSpec.Kubernetes k = source.kubernetes();
    EnvironmentSpec.Kubernetes namespaced =
        new EnvironmentSpec.Kubernetes(
            k.context(),
            preview.name(),
            k.ingressClass(),
            k.gateway(),
            k.registry(),
            k.timeout(),
            k.baseImage(),
            k.insecureRegistry(),
            k.meshImage());
    return new EnvironmentSpec(
        preview.name(), source.target(), source.baseDir(), services, namespaced);
  }

  private static Service ports(Service service, Preview preview) {
    return switch (service) {
      case Service.Application a ->
          new Service.Application(
              a.name(),
              a.process(),
              null,
              a.instances(),
              a.health(),
              a.resources(),
              a.autoscale(),
              a.dependsOn(),
              a.allow());
      case Service.Database d -> new Service.Database(d.name(), d.engine(), d.version(), null);
      case Service.Router r -> {
        Integer port = preview.routerPorts().get(r.name());
        if (port == null) {
          throw new IllegalArgumentException(
              "router "
                  + r.name()
                  + " has no port in preview "
                  + preview.name()
                  + " (it was added to the spec since): delete the preview and create it again");
        }
        yield new Service.Router(r.name(), port, r.hosts(), r.routes(), r.timeout());
      }
      case Service.Container c -> c;
      case Service.Job j -> j;
    };
  }

  private static Service hosts(Service service, Preview preview) {
    if (!(service instanceof Service.Router r) || r.hosts() == null) {
      return service;
    }
    List<String> hosts =
        r.hosts().stream()
            .map(
                h ->
                    h.startsWith("*.")
                        ? "*." + preview.name() + "." + h.substring(2)
                        : preview.name() + "." + h)
            .toList();
    return new Service.Router(r.name(), r.port(), hosts, r.routes(), r.timeout());
  }
}
