package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.EnvironmentSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The identity service on the cluster ({@link IdentityObjects}): applied before the first meshed
 * service of a run unless its Deployment already runs what would be rendered (the hash of its
 * authority and image), so a release that changes one service applies that service only; deleted
 * when the environment is destroyed. The shared ClusterRole stays, as other environments use it.
 */
final class IdentityService {
  private final EnvironmentSpec spec;
  private final KubernetesClient client;
  private final KubernetesRenderer renderer;
  private final Path dataDir;

  IdentityService(
      EnvironmentSpec spec, KubernetesClient client, KubernetesRenderer renderer, Path dataDir) {
    this.spec = spec;
    this.client = client;
    this.renderer = renderer;
    this.dataDir = dataDir;
  }

  /** Applies the objects through {@code apply} when the environment needs them and lacks them. */
  void ensure(String service, Consumer<List<HasMetadata>> apply) {
    if (!MeshNames.any(spec)) {
      return;
    }
    List<HasMetadata> objects =
        new IdentityObjects(spec, renderer).render(MeshAuthority.files(dataDir));
    Deployment live;
    try {
      live =
          client
              .apps()
              .deployments()
              .inNamespace(spec.namespace())
              .withName(MeshNames.IDENTITY)
              .get();
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.of(service, "read Deployment " + MeshNames.IDENTITY, e);
    }
    if (live == null || !Objects.equals(hash(live), hash(rendered(objects)))) {
      apply.accept(objects);
    }
  }

  /** Deletes the environment's identity service, its authority Secret and its role binding. */
  void remove(Labels labels) {
    try {
      for (HasMetadata object : Kinds.owned(client, spec, labels, MeshNames.IDENTITY)) {
        client.resource(object).delete();
      }
      client
          .resources(ClusterRoleBinding.class)
          .withName(MeshNames.IDENTITY + "-" + spec.namespace())
          .delete();
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.of(MeshNames.IDENTITY, "delete the mesh identity service", e);
    }
  }

  private static Deployment rendered(List<HasMetadata> objects) {
    return objects.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static String hash(Deployment deployment) {
    Map<String, String> annotations =
        deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Labels.ENV_HASH);
  }
}
