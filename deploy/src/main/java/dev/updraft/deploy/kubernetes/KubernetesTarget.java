package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.EventSink;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Applies rendered objects with server-side apply (field manager {@code updraft}) and follows
 * each rollout through watches, not polling: it returns when every Deployment and StatefulSet has
 * its new replicas available and every Job succeeded, and fails early on pods that cannot start,
 * reporting restarts, exit codes in words and de-duplicated warning events.
 */
public final class KubernetesTarget {
  private final KubernetesClient client;
  private final EventSink sink;
  private final Duration timeout;
  private final long start = System.nanoTime();

  public KubernetesTarget(KubernetesClient client, EventSink sink, Duration timeout) {
    this.client = client;
    this.sink = sink;
    this.timeout = timeout;
  }

  /** Writes each object to its own YAML file, in apply order, for {@code kubectl apply -f DIR}. */
  public static List<Path> writeManifests(List<HasMetadata> objects, Path dir) {
    try {
      Files.createDirectories(dir);
      List<Path> files = new java.util.ArrayList<>();
      int n = 0;
      for (HasMetadata object : objects) {
        Path file =
            dir.resolve(String.format(Locale.ROOT, "%02d-%s-%s.yaml", n++,
                object.getKind().toLowerCase(Locale.ROOT), object.getMetadata().getName()));
        Files.writeString(file, Serialization.asYaml(object));
        files.add(file);
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void apply(List<HasMetadata> objects) {
    for (HasMetadata object : objects) {
      String name = object.getMetadata().getName();
      try {
        client.resource(object).fieldManager("updraft").forceConflicts().serverSideApply();
      } catch (RuntimeException e) {
        throw new DeployException(
            "KUBERNETES_APPLY", object.getKind() + " " + name + ": " + e.getMessage(),
            "check the cluster's admission messages above and your access rights", null);
      }
      step(name, "apply", Event.Outcome.DONE, object.getKind());
    }
  }

  /** Waits until every workload and job in {@code objects} is ready. */
  public void awaitRollouts(List<HasMetadata> objects) {
    for (HasMetadata object : objects) {
      switch (object) {
        case Deployment d -> await(d.getMetadata().getNamespace(), d.getMetadata().getName(), "Deployment");
        case StatefulSet s -> await(s.getMetadata().getNamespace(), s.getMetadata().getName(), "StatefulSet");
        case Job j -> await(j.getMetadata().getNamespace(), j.getMetadata().getName(), "Job");
        default -> {}
      }
    }
  }

  @SuppressWarnings("try") // the watches deliver events while the try block waits
  private void await(String namespace, String name, String kind) {
    CompletableFuture<String> done = new CompletableFuture<>();
    Set<String> warnings = ConcurrentHashMap.newKeySet();
    Map<String, Integer> restarts = new ConcurrentHashMap<>();
    step(name, "rollout", Event.Outcome.STARTED, kind);
    try (Watch workload = watchWorkload(namespace, name, kind, done);
        Watch pods = watchPods(namespace, name, restarts, done);
        Watch events = watchEvents(namespace, name, warnings)) {
      checkNow(namespace, name, kind, done);
      String message = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      step(name, "rollout", Event.Outcome.DONE, message);
    } catch (TimeoutException e) {
      throw new DeployException(
          "ROLLOUT_TIMEOUT", kind + " " + name + " not ready after " + timeout.toSeconds() + "s",
          "kubectl -n " + namespace + " describe " + kind.toLowerCase(Locale.ROOT) + " " + name,
          String.join("\n", warnings));
    } catch (ExecutionException e) {
      throw new DeployException(
          "ROLLOUT_FAILED", kind + " " + name + ": " + e.getCause().getMessage(),
          "kubectl -n " + namespace + " logs -l app.kubernetes.io/name=" + name, String.join("\n", warnings));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", "interrupted waiting for " + name, null, null);
    }
  }

  private Watch watchWorkload(String ns, String name, String kind, CompletableFuture<String> done) {
    return switch (kind) {
      case "Deployment" -> client.apps().deployments().inNamespace(ns).withName(name).watch(watcher(d -> deploymentReady(d, done), done));
      case "StatefulSet" -> client.apps().statefulSets().inNamespace(ns).withName(name).watch(watcher(s -> statefulSetReady(s, done), done));
      default -> client.batch().v1().jobs().inNamespace(ns).withName(name).watch(watcher(j -> jobDone(j, done), done));
    };
  }

  private void checkNow(String ns, String name, String kind, CompletableFuture<String> done) {
    switch (kind) {
      case "Deployment" -> deploymentReady(client.apps().deployments().inNamespace(ns).withName(name).get(), done);
      case "StatefulSet" -> statefulSetReady(client.apps().statefulSets().inNamespace(ns).withName(name).get(), done);
      default -> jobDone(client.batch().v1().jobs().inNamespace(ns).withName(name).get(), done);
    }
  }

  private static void deploymentReady(Deployment d, CompletableFuture<String> done) {
    if (d == null || d.getStatus() == null) {
      return;
    }
    int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    var s = d.getStatus();
    boolean observed = s.getObservedGeneration() != null && d.getMetadata().getGeneration() != null
        && s.getObservedGeneration() >= d.getMetadata().getGeneration();
    if (observed && n(s.getUpdatedReplicas()) == want && n(s.getAvailableReplicas()) == want && n(s.getReplicas()) == want) {
      done.complete(want + " of " + want + " new replicas available");
    }
  }

  private static void statefulSetReady(StatefulSet set, CompletableFuture<String> done) {
    if (set == null || set.getStatus() == null) {
      return;
    }
    int want = Objects.requireNonNullElse(set.getSpec().getReplicas(), 1);
    var s = set.getStatus();
    if (n(s.getReadyReplicas()) == want && n(s.getUpdatedReplicas()) == want) {
      done.complete(want + " of " + want + " replicas ready");
    }
  }

  private static void jobDone(Job job, CompletableFuture<String> done) {
    if (job == null || job.getStatus() == null) {
      return;
    }
    if (n(job.getStatus().getSucceeded()) > 0) {
      done.complete("succeeded");
    } else if (n(job.getStatus().getFailed()) > Objects.requireNonNullElse(job.getSpec().getBackoffLimit(), 6)) {
      done.completeExceptionally(new IllegalStateException("the job failed " + job.getStatus().getFailed() + " times"));
    }
  }

  private Watch watchPods(String ns, String name, Map<String, Integer> restarts, CompletableFuture<String> done) {
    return client.pods().inNamespace(ns).withLabel("app.kubernetes.io/name", name).watch(watcher(pod -> pod(name, pod, restarts, done), done));
  }

  private void pod(String name, Pod pod, Map<String, Integer> restarts, CompletableFuture<String> done) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return;
    }
    for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
      String podName = pod.getMetadata().getName();
      int count = n(c.getRestartCount());
      Integer before = restarts.put(podName, count);
      if (before != null && count > before && c.getLastState() != null && c.getLastState().getTerminated() != null) {
        step(name, "pod", Event.Outcome.PROGRESS, podName + " restarted (" + count + "): "
            + ExitCodes.describe(c.getLastState().getTerminated().getExitCode()));
      }
      if (c.getState() != null && c.getState().getWaiting() != null) {
        String reason = c.getState().getWaiting().getReason();
        if (Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "InvalidImageName").contains(reason)) {
          done.completeExceptionally(new IllegalStateException(podName + " " + reason
              + (c.getState().getWaiting().getMessage() == null ? "" : ": " + c.getState().getWaiting().getMessage())));
        }
      }
    }
  }

  private Watch watchEvents(String ns, String name, Set<String> warnings) {
    return client.v1().events().inNamespace(ns).watch(
        new Watcher<>() {
          @Override
          public void eventReceived(Action action, io.fabric8.kubernetes.api.model.Event event) {
            if ("Warning".equals(event.getType()) && event.getInvolvedObject() != null
                && event.getInvolvedObject().getName() != null && event.getInvolvedObject().getName().startsWith(name)) {
              String line = event.getReason() + ": " + event.getMessage();
              if (warnings.add(line)) {
                step(name, "warning", Event.Outcome.PROGRESS, line);
              }
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
  }

  private static <T> Watcher<T> watcher(java.util.function.Consumer<T> onChange, CompletableFuture<String> done) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action == Action.DELETED) {
          done.completeExceptionally(new IllegalStateException("deleted while rolling out"));
          return;
        }
        onChange.accept(resource);
      }

      @Override
      public void onClose(WatcherException cause) {
        if (cause != null) {
          done.completeExceptionally(cause);
        }
      }
    };
  }

  private void step(String service, String step, Event.Outcome outcome, String message) {
    sink.emit(new Event.StepEvent((System.nanoTime() - start) / 1_000_000, service, step, outcome, message));
  }

  private static int n(Integer value) {
    return value == null ? 0 : value;
  }
}
