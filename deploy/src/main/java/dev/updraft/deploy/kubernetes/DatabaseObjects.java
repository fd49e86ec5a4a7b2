package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.DatabaseEngine;
import dev.updraft.deploy.spec.Service;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A database on Kubernetes: a StatefulSet of one pod from the official image with a volume claim
 * for its data, a Service, and for PostgreSQL a Secret with its password. The claim outlives the
 * StatefulSet (Kubernetes keeps claims of deleted StatefulSets), and so does the Secret, so a
 * database that comes back finds its data and the password that opens it.
 */
final class DatabaseObjects {
  static final String STORAGE = "1Gi";

  private final KubernetesRenderer renderer;
  private final Labels labels;

  DatabaseObjects(KubernetesRenderer renderer) {
    this.renderer = renderer;
    this.labels = renderer.labels();
  }

  List<HasMetadata> render(Service.Database db, String version, String password) {
    boolean postgres = db.engine() == DatabaseEngine.POSTGRES;
    int port = Attributes.port(db);
    String mount = postgres ? "/var/lib/postgresql/data" : "/data";
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(db.name())
            .addNewPort()
            .withName("db")
            .withContainerPort(port)
            .endPort()
            .withNewReadinessProbe()
            .withNewExec()
            .withCommand(
                postgres
                    ? List.of("pg_isready", "-U", Attributes.POSTGRES_USER, "-d", db.name())
                    : List.of("redis-cli", "ping"))
            .endExec()
            .withPeriodSeconds(2)
            .endReadinessProbe()
            .addNewVolumeMount()
            .withName("data")
            .withMountPath(mount)
            .endVolumeMount();
    List<HasMetadata> out = new ArrayList<>();
    if (postgres) {
      out.add(
          renderer.secret(
              Labels.credentials(db.name()),
              labels.service(db.name(), "database"),
              Map.of("password", password)));
      container
          .withImage("postgres:" + (db.version() == null ? "16" : db.version()))
          .addNewEnv()
          .withName("POSTGRES_DB")
          .withValue(db.name())
          .endEnv()
          .addNewEnv()
          .withName("PGDATA") // a subdirectory: the volume's root may hold lost+found
          .withValue(mount + "/pgdata")
          .endEnv()
          .addNewEnv()
          .withName("POSTGRES_PASSWORD")
          .withNewValueFrom()
          .withNewSecretKeyRef()
          .withName(Labels.credentials(db.name()))
          .withKey("password")
          .endSecretKeyRef()
          .endValueFrom()
          .endEnv();
    } else {
      container
          .withImage("redis:" + (db.version() == null ? "7" : db.version()))
          .withArgs("--appendonly", "yes");
    }
    out.add(
        new StatefulSetBuilder()
            .withMetadata(labels.meta(db.name(), labels.versioned(db.name(), "database", version)))
            .withNewSpec()
            .withServiceName(db.name())
            .withReplicas(1)
            .withNewSelector()
            .withMatchLabels(labels.selector(db.name()))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels.versioned(db.name(), "database", version))
            .endMetadata()
            .withSpec(KubernetesRenderer.pod(container, "Always"))
            .endTemplate()
            .withVolumeClaimTemplates(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName("data")
                    .endMetadata()
                    .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withNewResources()
                    .addToRequests("storage", new Quantity(STORAGE))
                    .endResources()
                    .endSpec()
                    .build())
            .endSpec()
            .build());
    out.add(renderer.databaseService(db.name(), port));
    return out;
  }
}
