package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.mesh.identity.CaFiles;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The environment's identity service, {@code updraft mesh identity}, as Linkerd's identity
 * controller: a Deployment and Service in the environment's namespace (each environment has its own
 * authority, as on the local target, so two environments of one cluster never trust each other),
 * the authority in a Secret ({@link MeshAuthority}), its trust bundle in a ConfigMap the proxies
 * mount, and the RBAC a TokenReview needs: a ClusterRole allowed to create TokenReviews, bound to
 * the service's ServiceAccount.
 */
final class IdentityObjects {
  static final String COMPONENT = "mesh";

  /** Where the Secret is mounted: the directory {@code updraft mesh identity --dir} reads. */
  static final String AUTHORITY_DIR = "/var/run/updraft/authority";

  private final EnvironmentSpec spec;
  private final Labels labels;
  private final KubernetesRenderer renderer;

  IdentityObjects(EnvironmentSpec spec, KubernetesRenderer renderer) {
    this.spec = spec;
    this.renderer = renderer;
    this.labels = renderer.labels();
  }

  /** The objects, in apply order; {@code authority} is the files of {@link MeshAuthority}. */
  List<HasMetadata> render(Map<String, String> authority) {
    Map<String, String> own = labels.service(MeshNames.IDENTITY, COMPONENT);
    List<HasMetadata> out = new ArrayList<>();
    out.add(new ServiceAccountBuilder().withMetadata(labels.meta(MeshNames.IDENTITY, own)).build());
    // Cluster-wide: the same rule for every environment, so one role serves them all.
    out.add(
        new ClusterRoleBuilder()
            .withMetadata(clusterMeta(MeshNames.IDENTITY, labels.environment()))
            .addNewRule()
            .withApiGroups("authentication.k8s.io")
            .withResources("tokenreviews")
            .withVerbs("create")
            .endRule()
            .build());
    out.add(
        new ClusterRoleBindingBuilder()
            .withMetadata(clusterMeta(MeshNames.IDENTITY + "-" + spec.namespace(), own))
            .withNewRoleRef()
            .withApiGroup("rbac.authorization.k8s.io")
            .withKind("ClusterRole")
            .withName(MeshNames.IDENTITY)
            .endRoleRef()
            .addNewSubject()
            .withKind("ServiceAccount")
            .withName(MeshNames.IDENTITY)
            .withNamespace(spec.namespace())
            .endSubject()
            .build());
    out.add(renderer.secret(MeshNames.IDENTITY, own, authority));
    out.add(
        new ConfigMapBuilder()
            .withMetadata(labels.meta(MeshNames.TRUST_ROOTS, own))
            .withData(Map.of(CaFiles.BUNDLE, authority.getOrDefault(CaFiles.BUNDLE, "")))
            .build());
    out.add(deployment(authority));
    out.add(
        new ServiceBuilder()
            .withMetadata(labels.meta(MeshNames.IDENTITY, own))
            .withNewSpec()
            .withSelector(labels.selector(MeshNames.IDENTITY))
            .addNewPort()
            .withName("https")
            .withPort(MeshNames.IDENTITY_PORT)
            .withTargetPort(new IntOrString(MeshNames.IDENTITY_PORT))
            .endPort()
            .endSpec()
            .build());
    return out;
  }

  private HasMetadata deployment(Map<String, String> authority) {
    Map<String, String> own = labels.service(MeshNames.IDENTITY, COMPONENT);
    return new DeploymentBuilder()
        .withMetadata(labels.meta(MeshNames.IDENTITY, own))
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(labels.selector(MeshNames.IDENTITY))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(own)
        // A new authority (a rotation) or image rolls the service; the hash never shows a key.
        .withAnnotations(
            Map.of(
                Labels.ENV_HASH,
                Pods.hash(Map.of("image", spec.kubernetes().meshImage()), authority)))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(MeshNames.IDENTITY)
        .addToContainers(container())
        .addNewVolume()
        .withName("authority")
        .withNewSecret()
        .withSecretName(MeshNames.IDENTITY)
        // Readable by the service's user only; fsGroup below makes it its group's.
        .withDefaultMode(0440)
        .endSecret()
        .endVolume()
        .withNewSecurityContext()
        .withFsGroup(ProxySidecar.USER)
        .endSecurityContext()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Container container() {
    ContainerBuilder identity =
        new ContainerBuilder()
            .withName("identity")
            .withImage(spec.kubernetes().meshImage())
            .withCommand(
                "updraft",
                "mesh",
                "identity",
                "--dir",
                AUTHORITY_DIR,
                "--listen",
                "0.0.0.0:" + MeshNames.IDENTITY_PORT,
                "--control-namespace",
                MeshNames.CONTROL,
                "--trust-domain",
                MeshNames.TRUST_DOMAIN,
                "--kubernetes-token-review")
            .addNewPort()
            .withName("https")
            .withContainerPort(MeshNames.IDENTITY_PORT)
            .endPort()
            .withNewReadinessProbe()
            .withNewTcpSocket()
            .withPort(new IntOrString(MeshNames.IDENTITY_PORT))
            .endTcpSocket()
            .withPeriodSeconds(5)
            .endReadinessProbe()
            .addNewVolumeMount()
            .withName("authority")
            .withMountPath(AUTHORITY_DIR)
            .withReadOnly(true)
            .endVolumeMount();
    return ProxySidecar.confined(identity).build();
  }

  private static io.fabric8.kubernetes.api.model.ObjectMeta clusterMeta(
      String name, Map<String, String> labelSet) {
    return new ObjectMetaBuilder().withName(name).withLabels(labelSet).build();
  }
}
