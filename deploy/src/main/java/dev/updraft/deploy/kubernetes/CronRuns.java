package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Target;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cron job's run by hand, as {@code kubectl create job --from=cronjob/NAME} makes it: a Job of
 * the CronJob's template, owned by the CronJob (so its history limits and deletion take it along),
 * annotated as instantiated manually; then followed through a watch until it completes or fails.
 */
final class CronRuns {
  private CronRuns() {}

  static Target.JobRun run(
      KubernetesClient client, String namespace, String name, Duration timeout) {
    CronJob cron;
    try {
      cron = client.batch().v1().cronjobs().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.of(name, "read CronJob " + name, e);
    }
    if (cron == null) {
      throw new DeployException(
          "NOT_SCHEDULED",
          name + ": CronJob " + name + " is not in namespace " + namespace,
          "run updraft deploy apply: it repairs the environment",
          null);
    }
    // Unique per millisecond and short enough for a label value (names are at most 40 long).
    String run = name + "-manual-" + Long.toString(Instant.now().toEpochMilli(), 36);
    Map<String, String> labels = new HashMap<>();
    if (cron.getSpec().getJobTemplate().getMetadata() != null
        && cron.getSpec().getJobTemplate().getMetadata().getLabels() != null) {
      labels.putAll(cron.getSpec().getJobTemplate().getMetadata().getLabels());
    }
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(run)
            .withNamespace(namespace)
            .withLabels(labels)
            .addToAnnotations("cronjob.kubernetes.io/instantiate", "manual")
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("batch/v1")
                    .withKind("CronJob")
                    .withName(name)
                    .withUid(cron.getMetadata().getUid())
                    .build())
            .endMetadata()
            .withSpec(cron.getSpec().getJobTemplate().getSpec())
            .build();
    Job done;
    try {
      client.resource(job).create();
      // The job's own deadline ends it at its timeout; a little longer covers the kubelet's kill.
      done =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(namespace)
              .withName(run)
              .waitUntilCondition(
                  j -> j != null && outcome(j) != null,
                  timeout.plusSeconds(30).toSeconds(),
                  TimeUnit.SECONDS);
    } catch (KubernetesClientTimeoutException e) {
      return new Target.JobRun(
          "Job/" + run,
          false,
          "still going after " + timeout.toSeconds() + "s",
          logs(client, namespace, run, podLabels(cron)));
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.of(name, "run Job " + run, e);
    }
    Ended ended = outcome(done);
    return new Target.JobRun(
        "Job/" + run,
        ended.succeeded(),
        ended.outcome(),
        logs(client, namespace, run, podLabels(cron)));
  }

  /** How a Job run ended: whether it succeeded, and in words ({@code failed: REASON: MESSAGE}). */
  record Ended(boolean succeeded, String outcome) {}

  /** How the Job ended, or null while it runs. */
  static Ended outcome(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (!"True".equals(c.getStatus())) {
        continue;
      }
      if ("Complete".equals(c.getType())) {
        return new Ended(true, "succeeded");
      }
      if ("Failed".equals(c.getType())) {
        return new Ended(
            false,
            "failed: " + c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
      }
    }
    return null;
  }

  private static Map<String, String> podLabels(CronJob cron) {
    var template = cron.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata();
    return template == null || template.getLabels() == null ? Map.of() : template.getLabels();
  }

  /** The last lines of the run's pods: those of its template that the Job named after itself. */
  private static String logs(
      KubernetesClient client, String namespace, String run, Map<String, String> labels) {
    try {
      List<Pod> pods =
          client.pods().inNamespace(namespace).withLabels(labels).list().getItems().stream()
              .filter(p -> p.getMetadata().getName().startsWith(run + "-"))
              .toList();
      StringBuilder tail = new StringBuilder();
      for (Pod pod : pods) {
        String log = PodLogs.tail(client, namespace, pod.getMetadata().getName(), null, false, 20);
        if (log != null) {
          tail.append(log);
        }
      }
      return tail.toString().strip();
    } catch (KubernetesClientException e) {
      return "(the run's log is unreadable: " + e.getMessage() + ")";
    }
  }
}
