package dev.updraft.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * When a workload's status says its rollout is done, the way {@code kubectl rollout status} reads
 * it: the controller saw the newest generation, every replica runs the new template and is
 * available, and no old replica is left. A Job is done when it succeeded, failed when it failed.
 */
final class Readiness {
  /** The workloads a rollout follows. */
  enum Kind {
    DEPLOYMENT("Deployment"),
    STATEFUL_SET("StatefulSet"),
    JOB("Job");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  private Readiness() {}

  /**
   * Completes {@code done} when {@code object}'s rollout of {@code version} ended; tells {@code
   * pods} the count. A Deployment or StatefulSet whose template is not yet {@code version}'s is the
   * one before the apply (a watch cache can lag behind it), whose status says nothing of this
   * rollout.
   */
  static void check(
      Kind kind,
      HasMetadata object,
      String version,
      PodTracker pods,
      CompletableFuture<String> done) {
    switch (kind) {
      case DEPLOYMENT -> {
        Deployment d = (Deployment) object;
        if (templateOf(d.getSpec().getTemplate(), version)) {
          deployment(d, pods, done);
        }
      }
      case STATEFUL_SET -> {
        StatefulSet set = (StatefulSet) object;
        if (templateOf(set.getSpec().getTemplate(), version)) {
          statefulSet(set, pods, done);
        }
      }
      case JOB -> job((Job) object, pods, done);
    }
  }

  private static boolean templateOf(PodTemplateSpec template, String version) {
    Map<String, String> labels = template.getMetadata().getLabels();
    return labels != null && version.equals(labels.get(Labels.VERSION));
  }

  private static void deployment(Deployment d, PodTracker pods, CompletableFuture<String> done) {
    int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    pods.desired(want);
    DeploymentStatus s = d.getStatus();
    if (s == null || !observed(d, s.getObservedGeneration())) {
      return;
    }
    List<DeploymentCondition> conditions =
        s.getConditions() == null ? List.of() : s.getConditions();
    for (DeploymentCondition c : conditions) {
      if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
        done.completeExceptionally(
            new RolloutFollower.Failed(
                "the Deployment made no progress: " + c.getMessage() + "; " + pods.counts()));
        return;
      }
    }
    if (n(s.getUpdatedReplicas()) >= want
        && n(s.getReplicas()) <= n(s.getUpdatedReplicas())
        && n(s.getAvailableReplicas()) >= want) {
      done.complete(want + " of " + want + " new pods available");
    }
  }

  private static void statefulSet(
      StatefulSet set, PodTracker pods, CompletableFuture<String> done) {
    int want = Objects.requireNonNullElse(set.getSpec().getReplicas(), 1);
    pods.desired(want);
    StatefulSetStatus s = set.getStatus();
    if (s == null || !observed(set, s.getObservedGeneration())) {
      return;
    }
    boolean revised =
        s.getUpdateRevision() == null || s.getUpdateRevision().equals(s.getCurrentRevision());
    if (n(s.getReadyReplicas()) >= want && n(s.getUpdatedReplicas()) >= want && revised) {
      done.complete(want + " of " + want + " pods ready");
    }
  }

  private static void job(Job job, PodTracker pods, CompletableFuture<String> done) {
    pods.desired(1);
    if (job.getStatus() == null) {
      return;
    }
    List<JobCondition> conditions =
        job.getStatus().getConditions() == null ? List.of() : job.getStatus().getConditions();
    for (JobCondition c : conditions) {
      if ("Failed".equals(c.getType()) && "True".equals(c.getStatus())) {
        String exit = pods.lastExit();
        done.completeExceptionally(
            new RolloutFollower.Failed(
                "the job failed ("
                    + c.getReason()
                    + (c.getMessage() == null ? "" : ": " + c.getMessage())
                    + ")"
                    + (exit == null ? "" : "; its container " + exit)));
        return;
      }
    }
    if (n(job.getStatus().getSucceeded()) > 0) {
      done.complete("succeeded");
    }
  }

  private static boolean observed(HasMetadata object, Long observedGeneration) {
    Long generation = object.getMetadata().getGeneration();
    return generation == null || (observedGeneration != null && observedGeneration >= generation);
  }

  private static int n(Integer value) {
    return value == null ? 0 : value;
  }
}
