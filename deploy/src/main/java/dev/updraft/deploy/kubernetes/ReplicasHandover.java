package dev.updraft.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;

/**
 * Hands a running Deployment's replica count over to its autoscaler without a dip. Under
 * server-side apply a field the applier stops sending is removed when no other manager owns it, so
 * a Deployment that gains {@code autoscale} (and is then rendered without replicas) would fall to
 * the default of one pod until the HorizontalPodAutoscaler scales it back. Kubernetes' own recipe
 * ("Transferring ownership" in the server-side apply documentation) is followed: the live count is
 * first applied by a field manager of its own that never applies again, so the main apply only
 * releases updraft's claim and the count stays where it was, the autoscaler's from then on.
 */
final class ReplicasHandover {
  /** The manager that holds the count between updraft's claim and the autoscaler's. */
  static final String MANAGER = "updraft-handover";

  private ReplicasHandover() {}

  /**
   * The object to apply as {@link #MANAGER} before {@code rendered}, or null when there is nothing
   * to hand over: the rendered Deployment keeps its count, the live one does not exist, or updraft
   * does not own its count.
   */
  static Deployment before(Deployment rendered, Deployment live) {
    if (rendered.getSpec().getReplicas() != null
        || live == null
        || live.getSpec() == null
        || live.getSpec().getReplicas() == null
        || !ownsReplicas(live, Labels.MANAGER)) {
      return null;
    }
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(live.getMetadata().getName())
        .withNamespace(live.getMetadata().getNamespace())
        .endMetadata()
        .withNewSpec()
        .withReplicas(live.getSpec().getReplicas())
        .endSpec()
        .build();
  }

  /** Whether {@code manager}'s apply claims {@code spec.replicas}, as managedFields record it. */
  static boolean ownsReplicas(Deployment live, String manager) {
    if (live.getMetadata().getManagedFields() == null) {
      return false;
    }
    for (ManagedFieldsEntry entry : live.getMetadata().getManagedFields()) {
      if (manager.equals(entry.getManager())
          && "Apply".equals(entry.getOperation())
          && (entry.getSubresource() == null || entry.getSubresource().isEmpty())
          && entry.getFieldsV1() != null
          && entry.getFieldsV1().getAdditionalProperties().get("f:spec") instanceof Map<?, ?> spec
          && spec.containsKey("f:replicas")) {
        return true;
      }
    }
    return false;
  }
}
