package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.apply.Deployment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows one rollout through watches (fabric8 informers: one list, then a watch), never by
 * polling: the workload's status says when it is done ({@link Readiness}), the pods' say what
 * happens to new and old pods and when to give up early ({@link PodTracker}), and the namespace's
 * events bring the warnings ({@link Warnings}). Fails with the failing pod's log tail and a recap
 * of the warnings, or after the timeout with where the rollout stands.
 */
final class RolloutFollower {
  /** What a finished rollout reports: a summary, a job's outputs, the warnings seen. */
  record Result(String summary, Map<String, String> outputs, String warnings) {}

  private final KubernetesClient client;
  private final Watches watches;
  private final Deployment release;
  private final Labels labels;
  private final Duration timeout;
  private final java.util.Set<String> services;

  /**
   * @param services the names of the environment's services, which prefix their pods' names
   */
  RolloutFollower(
      KubernetesClient client,
      Watches watches,
      Deployment release,
      Labels labels,
      Duration timeout,
      java.util.Set<String> services) {
    this.client = client;
    this.watches = watches;
    this.release = release;
    this.labels = labels;
    this.timeout = timeout;
    this.services = services;
  }

  /**
   * Waits until the workload {@code name} of {@code service} runs {@code version} everywhere.
   *
   * @param since when the workload was applied, by the server's clock (null if unknown)
   */
  @SuppressWarnings("try") // the subscriptions report while the body waits for them
  Result follow(Readiness.Kind kind, String service, String name, String version, Instant since) {
    String ns = labels.namespace();
    CompletableFuture<String> done = new CompletableFuture<>();
    PodTracker pods = new PodTracker(service, version, release);
    Warnings warnings =
        new Warnings(
            service, release, since, ref -> concerns(ref, service, name), watches.reported());
    try (Watches.Subscription events =
            Watches.subscribe(watches.events(), e -> true, warnings::onEvent, null);
        Watches.Subscription podWatch =
            Watches.subscribe(
                watches.pods(),
                pod -> belongs(pod, kind, service, version),
                pod -> {
                  pods.update(pod);
                  if (pods.failure() != null) {
                    done.completeExceptionally(new Failed(pods.failure()));
                  }
                },
                pods::delete);
        Watches.Subscription workload =
            workload(watches.workloads(kind), kind, name, version, pods, done)) {
      String summary = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Result(summary, pods.outputs(), warnings.recap());
    } catch (TimeoutException e) {
      throw new DeployException(
          "ROLLOUT_TIMEOUT",
          service
              + ": "
              + kind.label()
              + " "
              + name
              + " not ready after "
              + timeout.toSeconds()
              + "s: "
              + pods.counts(),
          "kubectl -n " + ns + " describe " + kind.label().toLowerCase(Locale.ROOT) + " " + name,
          tail(pods, warnings));
    } catch (ExecutionException e) {
      throw new DeployException(
          "ROLLOUT_FAILED",
          service + ": " + e.getCause().getMessage(),
          pods.failingPod() == null
              ? "kubectl -n "
                  + ns
                  + " describe "
                  + kind.label().toLowerCase(Locale.ROOT)
                  + " "
                  + name
              : "kubectl -n " + ns + " describe pod " + pods.failingPod(),
          tail(pods, warnings));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", service + ": interrupted", null, null);
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.of(service, "watch " + kind.label() + " " + name, e);
    }
  }

  /** Why a rollout cannot succeed; its message is the user's. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message, null, false, false);
    }
  }

  private static <T extends HasMetadata> Watches.Subscription workload(
      SharedIndexInformer<T> informer,
      Readiness.Kind kind,
      String name,
      String version,
      PodTracker pods,
      CompletableFuture<String> done) {
    return Watches.subscribe(
        informer,
        object -> object.getMetadata().getName().equals(name),
        object -> Readiness.check(kind, object, version, pods, done),
        gone ->
            done.completeExceptionally(
                new Failed(kind.label() + " " + name + " was deleted meanwhile")));
  }

  /** A pod of the service; for a job, of this version's run only. */
  private static boolean belongs(Pod pod, Readiness.Kind kind, String service, String version) {
    Map<String, String> l = pod.getMetadata().getLabels();
    return l != null
        && service.equals(l.get(Labels.NAME))
        && (kind != Readiness.Kind.JOB || version.equals(l.get(Labels.VERSION)));
  }

  /**
   * Whether an event's object belongs to this rollout: its workload; its pods and replica sets,
   * whose names are their workload's and a suffix, so the service with the longest name that
   * prefixes one owns it (whether or not the pod watch has seen the pod yet); its volume claims.
   */
  private boolean concerns(ObjectReference ref, String service, String name) {
    String kind = ref.getKind();
    String object = ref.getName();
    return switch (kind == null ? "" : kind) {
      case "Pod", "ReplicaSet" -> service.equals(owner(object));
      case "PersistentVolumeClaim" -> object.startsWith("data-" + name + "-");
      default -> object.equals(name) || object.equals(service);
    };
  }

  private String owner(String object) {
    String owner = null;
    for (String service : services) {
      if (object.startsWith(service + "-")
          && (owner == null || service.length() > owner.length())) {
        owner = service;
      }
    }
    return owner;
  }

  private String tail(PodTracker pods, Warnings warnings) {
    StringBuilder out = new StringBuilder();
    String pod = pods.failingPod();
    if (pod != null && pods.failingLog() != PodTracker.Log.NONE) {
      String log = log(pod, pods.failingContainer(), pods.failingLog());
      if (log != null && !log.isBlank()) {
        out.append(log.strip()).append('\n');
      }
    }
    String recap = warnings.recap();
    if (!recap.isEmpty()) {
      recap.lines().forEach(line -> out.append("warning: ").append(line).append('\n'));
    }
    return out.isEmpty() ? null : release.redactor().redact(out.toString().strip());
  }

  /** The last lines a container wrote: those of its crashed run, or its own. */
  private String log(String pod, String container, PodTracker.Log which) {
    try {
      return PodLogs.tail(
          client, labels.namespace(), pod, container, which == PodTracker.Log.PREVIOUS, 20);
    } catch (KubernetesClientException e) {
      return null; // no log to show (the node is gone, or the logs are)
    }
  }
}
