package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A meshed service's pods: a ServiceAccount of the service's name (its workload identity), the
 * ConfigMap of its sidecar's configuration ({@link ProxyConfig}), and the sidecar itself, {@code
 * updraft mesh proxy}, as a Kubernetes native sidecar: an init container with {@code restartPolicy:
 * Always} (Kubernetes 1.29+). The kubelet starts the service's container once the proxy's startup
 * probe passed (it has its certificate and its listeners), and stops the proxy after the service's
 * container ended, so a Job's pod completes; Linkerd's injected proxy, a plain container, kept Jobs
 * running.
 */
final class ProxySidecar {
  static final String CONTAINER = "updraft-proxy";

  /** Linkerd's proxy user: not root, and not the application's usual 1000. */
  static final long USER = 2102;

  /** The lifetime of the projected token; the kubelet renews it at 80 %, the proxy rereads it. */
  static final long TOKEN_SECONDS = 86_400;

  private static final String CONFIG_VOLUME = "updraft-mesh-config";
  private static final String TOKEN_VOLUME = "updraft-identity-token";
  private static final String TRUST_VOLUME = "updraft-trust-roots";

  private final EnvironmentSpec spec;
  private final Labels labels;

  ProxySidecar(EnvironmentSpec spec, Labels labels) {
    this.spec = spec;
    this.labels = labels;
  }

  static String configMap(String service) {
    return service + "-mesh";
  }

  /** The ServiceAccount and the sidecar's ConfigMap, applied before the workload. */
  List<HasMetadata> objects(Service service, String component) {
    Map<String, String> own = labels.service(service.name(), component);
    return List.of(
        new ServiceAccountBuilder()
            .withMetadata(labels.meta(service.name(), own))
            // Only the proxy's projected token is mounted; the service gets no API credentials.
            .withAutomountServiceAccountToken(false)
            .build(),
        new ConfigMapBuilder()
            .withMetadata(labels.meta(configMap(service.name()), own))
            .withData(Map.of(ProxyConfig.FILE, ProxyConfig.of(spec, service)))
            .build());
  }

  /** {@code pod} with the service's ServiceAccount, the sidecar and the sidecar's volumes. */
  PodSpec wrap(Service service, PodSpec pod) {
    return new PodSpecBuilder(pod)
        .withServiceAccountName(service.name())
        .withAutomountServiceAccountToken(false)
        .withInitContainers(container(service))
        .addToVolumes(
            new VolumeBuilder()
                .withName(CONFIG_VOLUME)
                .withNewConfigMap()
                .withName(configMap(service.name()))
                .endConfigMap()
                .build(),
            new VolumeBuilder()
                .withName(TOKEN_VOLUME)
                .withNewProjected()
                .addNewSource()
                .withNewServiceAccountToken()
                .withAudience(TokenReviews.AUDIENCE)
                .withExpirationSeconds(TOKEN_SECONDS)
                .withPath("token")
                .endServiceAccountToken()
                .endSource()
                .endProjected()
                .build(),
            new VolumeBuilder()
                .withName(TRUST_VOLUME)
                .withNewConfigMap()
                .withName(MeshNames.TRUST_ROOTS)
                .endConfigMap()
                .build())
        .build();
  }

  private Container container(Service service) {
    ContainerBuilder proxy =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(spec.kubernetes().meshImage())
            .withCommand(
                "updraft",
                "mesh",
                "proxy",
                "--config",
                ProxyConfig.CONFIG_DIR + "/" + ProxyConfig.FILE)
            .withRestartPolicy("Always");
    if (MeshNames.server(service)) {
      proxy
          .addNewPort()
          .withName("mesh-inbound")
          .withContainerPort(MeshNames.INBOUND_PORT)
          .endPort();
    }
    return confined(proxy)
        .addNewPort()
        .withName("mesh-admin")
        .withContainerPort(MeshNames.ADMIN_PORT)
        .endPort()
        // Ready once it holds a certificate and its listeners are bound; the service starts then.
        .withStartupProbe(admin("/ready").withPeriodSeconds(1).withFailureThreshold(120).build())
        .withReadinessProbe(admin("/ready").withPeriodSeconds(10).build())
        .withLivenessProbe(admin("/live").withPeriodSeconds(10).withFailureThreshold(3).build())
        .addNewVolumeMount()
        .withName(CONFIG_VOLUME)
        .withMountPath(ProxyConfig.CONFIG_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(TOKEN_VOLUME)
        .withMountPath(ProxyConfig.TOKEN_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(TRUST_VOLUME)
        .withMountPath(ProxyConfig.TRUST_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .build();
  }

  /**
   * What the proxy and the identity service share: JVMs of 64 MB heap by default (a quarter of the
   * limit), not root (Linkerd's proxy user), no privilege escalation and no capability.
   */
  static ContainerBuilder confined(ContainerBuilder container) {
    return container
        .withNewResources()
        .withRequests(
            new TreeMap<>(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi"))))
        .withLimits(Map.of("memory", new Quantity("256Mi")))
        .endResources()
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(USER)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext();
  }

  private static ProbeBuilder admin(String path) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(MeshNames.ADMIN_PORT))
        .endHttpGet();
  }
}
