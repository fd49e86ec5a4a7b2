package dev.updraft.deploy.spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated environment: its services by name (in spec order), its target, and the directory the
 * spec lives in (application paths are relative to it).
 */
public record EnvironmentSpec(
    String environment,
    TargetName target,
    Path baseDir,
    Map<String, Service> services,
    Kubernetes kubernetes) {
  /**
   * Settings of the kubernetes target.
   *
   * @param context the kubeconfig context, or null for the current one
   * @param namespace the namespace, or null for the environment's name
   * @param ingressClass the ingress class of routers, or null for the cluster's default
   * @param gateway the Gateway ({@code name} or {@code namespace/name}) routers attach to as
   *     HTTPRoutes, or null for Ingresses
   * @param registry the prefix of application and job images, or null
   * @param timeout how long one service's rollout may take
   * @param baseImage the image application and job images are built on, unless they name one
   * @param insecureRegistry whether image builds may use plain HTTP or unverified TLS with any
   *     registry, not only with registries on this machine
   * @param meshImage the image of the mesh's proxy sidecars and identity service (it runs {@code
   *     updraft mesh})
   */
  public record Kubernetes(
      String context,
      String namespace,
      String ingressClass,
      String gateway,
      String registry,
      Duration timeout,
      String baseImage,
      boolean insecureRegistry,
      String meshImage) {
    public static final Kubernetes DEFAULT =
        new Kubernetes(
            null,
            null,
            null,
            null,
            null,
            Duration.ofMinutes(10),
            Shapes.BASE_IMAGE,
            false,
            Shapes.MESH_IMAGE);
  }

  /** The namespace the environment lives in on the kubernetes target. */
  public String namespace() {
    return kubernetes.namespace() != null ? kubernetes.namespace() : environment;
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
