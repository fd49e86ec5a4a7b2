package dev.updraft.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicasHandoverTest {
  private static Deployment live(String manager, String operation, String subresource) {
    FieldsV1 fields = new FieldsV1();
    fields.setAdditionalProperty("f:spec", Map.of("f:replicas", Map.of()));
    ManagedFieldsEntry entry = new ManagedFieldsEntry();
    entry.setManager(manager);
    entry.setOperation(operation);
    entry.setSubresource(subresource);
    entry.setFieldsV1(fields);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("catalog")
        .withNamespace("shop")
        .withManagedFields(entry)
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .endSpec()
        .build();
  }

  private static Deployment rendered(Integer replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("catalog")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }

  @Test
  void theLiveCountIsClaimedWhenUpdraftsApplyOwnsItAndStopsSendingIt() {
    Deployment claim = ReplicasHandover.before(rendered(null), live("updraft", "Apply", null));
    assertThat(claim.getSpec().getReplicas()).isEqualTo(3);
    assertThat(claim.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(claim.getSpec().getTemplate()).as("only the count").isNull();
  }

  @Test
  void nothingIsHandedOverWhenTheCountIsStillRenderedOrNotUpdraftsApply() {
    assertThat(ReplicasHandover.before(rendered(2), live("updraft", "Apply", null))).isNull();
    assertThat(ReplicasHandover.before(rendered(null), null)).isNull();
    assertThat(
            ReplicasHandover.before(
                rendered(null), live("kube-controller-manager", "Update", null)))
        .isNull();
    assertThat(ReplicasHandover.before(rendered(null), live("updraft", "Update", null))).isNull();
    assertThat(ReplicasHandover.before(rendered(null), live("updraft", "Apply", "scale"))).isNull();
    assertThat(ReplicasHandover.before(rendered(null), live("updraft", "Apply", ""))).isNotNull();
  }
}
