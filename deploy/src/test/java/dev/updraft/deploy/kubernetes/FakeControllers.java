package dev.updraft.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Plays the controllers and kubelets the mock server lacks, for one namespace: Deployments and
 * StatefulSets get pods of their template and a status; Jobs get a finished pod. What a pod does
 * comes from its image's tag: {@code crash-N} crashes with exit code N (and warns, twice, of the
 * back-off), {@code pull} cannot be pulled, {@code hang} never gets ready; anything else is
 * healthy. A job writes {@link #outputs} and exits with {@link #exitCodes} (0 by default).
 */
final class FakeControllers implements AutoCloseable {
  final Map<String, String> outputs = new ConcurrentHashMap<>();
  final Map<String, Integer> exitCodes = new ConcurrentHashMap<>();

  private final KubernetesClient client;
  private final String ns;
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  FakeControllers(KubernetesClient client, String namespace) {
    this.client = client;
    this.ns = namespace;
    informers.add(client.apps().deployments().inNamespace(ns).inform(handler(this::deployment)));
    informers.add(client.apps().statefulSets().inNamespace(ns).inform(handler(this::statefulSet)));
    informers.add(client.batch().v1().jobs().inNamespace(ns).inform(handler(this::job)));
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  private boolean first(HasMetadata object, PodTemplateSpec template) {
    String key =
        object.getKind()
            + "/"
            + object.getMetadata().getName()
            + "@"
            + object.getMetadata().getUid()
            + "@"
            + object.getMetadata().getGeneration()
            + "@"
            + template.getMetadata().getLabels().get(Labels.VERSION)
            + "@"
            + template.getMetadata().getAnnotations();
    return handled.add(key);
  }

  private void deployment(Deployment d) {
    if (!first(d, d.getSpec().getTemplate())) {
      return;
    }
    String name = d.getMetadata().getName();
    int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    PodTemplateSpec template = d.getSpec().getTemplate();
    String tag = tag(template);
    String version = template.getMetadata().getLabels().get(Labels.VERSION);
    if (tag.startsWith("crash-")) {
      // The kubelet's events come first here, so that the engine has seen them when it gives up.
      String pod = name + "-" + version + "-0";
      warn(pod, "BackOff", "Back-off restarting failed container in pod " + pod, 3);
      warn(pod, "BackOff", "Back-off restarting failed container in pod " + pod, 5);
      pause();
      pod(pod, template, crashed(template, tag));
      return;
    }
    if (tag.equals("pull")) {
      pod(name + "-" + version + "-0", template, waiting(template, "ImagePullBackOff"));
      return;
    }
    if (tag.equals("hang")) {
      pod(name + "-" + version + "-0", template, waiting(template, "ContainerCreating"));
      return;
    }
    // Like the controller: new pods first, then the old ones go; each step takes a moment.
    pause();
    for (int i = 0; i < want; i++) {
      pod(name + "-" + version + "-" + i, template, running(template));
    }
    pause();
    for (Pod old : client.pods().inNamespace(ns).withLabel(Labels.NAME, name).list().getItems()) {
      if (!version.equals(old.getMetadata().getLabels().get(Labels.VERSION))) {
        client.resource(old).delete();
      }
    }
    Long generation = d.getMetadata().getGeneration();
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(name)
        .editStatus(
            current -> {
              current.setStatus(
                  new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                      .withObservedGeneration(generation)
                      .withReplicas(want)
                      .withUpdatedReplicas(want)
                      .withReadyReplicas(want)
                      .withAvailableReplicas(want)
                      .build());
              return current;
            });
  }

  private void statefulSet(StatefulSet s) {
    if (!first(s, s.getSpec().getTemplate())) {
      return;
    }
    String name = s.getMetadata().getName();
    pod(name + "-0", s.getSpec().getTemplate(), running(s.getSpec().getTemplate()));
    Long generation = s.getMetadata().getGeneration();
    client
        .apps()
        .statefulSets()
        .inNamespace(ns)
        .withName(name)
        .editStatus(
            current -> {
              current.setStatus(
                  new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
                      .withObservedGeneration(generation)
                      .withReplicas(1)
                      .withReadyReplicas(1)
                      .withUpdatedReplicas(1)
                      .withCurrentRevision("r")
                      .withUpdateRevision("r")
                      .build());
              return current;
            });
  }

  private void job(Job job) {
    if (job.getStatus() != null || !first(job, job.getSpec().getTemplate())) {
      return;
    }
    PodTemplateSpec template = job.getSpec().getTemplate();
    String service = template.getMetadata().getLabels().get(Labels.NAME);
    int code = exitCodes.getOrDefault(service, 0);
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName(template.getSpec().getContainers().getFirst().getName())
            .withRestartCount(0)
            .withNewState()
            .withNewTerminated()
            .withExitCode(code)
            .withReason(code == 0 ? "Completed" : "Error")
            .withMessage(outputs.getOrDefault(service, ""))
            .endTerminated()
            .endState()
            .build();
    pod(job.getMetadata().getName() + "-x", template, status);
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withName(job.getMetadata().getName())
        .editStatus(
            current -> {
              var s = new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder();
              if (code == 0) {
                s.withSucceeded(1)
                    .withConditions(
                        new JobConditionBuilder().withType("Complete").withStatus("True").build());
              } else {
                s.withFailed(1)
                    .withConditions(
                        new JobConditionBuilder()
                            .withType("Failed")
                            .withStatus("True")
                            .withReason("BackoffLimitExceeded")
                            .withMessage("Job has reached the specified backoff limit")
                            .build());
              }
              current.setStatus(s.build());
              return current;
            });
  }

  private Pod pod(String name, PodTemplateSpec template, ContainerStatus status) {
    boolean ready = Boolean.TRUE.equals(status.getReady());
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withUid(UUID.randomUUID().toString())
            .withLabels(template.getMetadata().getLabels())
            .endMetadata()
            .withSpec(template.getSpec())
            .withNewStatus()
            .withPhase(ready ? "Running" : "Pending")
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .withContainerStatuses(status)
            .endStatus()
            .build();
    try {
      return client.resource(pod).create();
    } catch (KubernetesClientException e) {
      return client.resource(pod).update(); // a repeated rollout of the same version
    }
  }

  private void warn(String pod, String reason, String message, int count) {
    client
        .v1()
        .events()
        .inNamespace(ns)
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(pod + "." + UUID.randomUUID().toString().substring(0, 8))
                .withUid(UUID.randomUUID().toString())
                .endMetadata()
                .withType("Warning")
                .withReason(reason)
                .withMessage(message)
                .withCount(count)
                .withLastTimestamp(Instant.now().toString())
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName(pod)
                .withNamespace(ns)
                .withUid(UUID.nameUUIDFromBytes(pod.getBytes()).toString())
                .endInvolvedObject()
                .build())
        .create();
  }

  private static void pause() {
    try {
      Thread.sleep(150);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tag(PodTemplateSpec template) {
    String image = template.getSpec().getContainers().getFirst().getImage();
    String tagged = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    return tagged.substring(tagged.lastIndexOf(':') + 1);
  }

  private static ContainerStatus running(PodTemplateSpec template) {
    return new ContainerStatusBuilder()
        .withName(template.getSpec().getContainers().getFirst().getName())
        .withReady(true)
        .withRestartCount(0)
        .withNewState()
        .withNewRunning()
        .withStartedAt(Instant.now().toString())
        .endRunning()
        .endState()
        .build();
  }

  private static ContainerStatus waiting(PodTemplateSpec template, String reason) {
    return new ContainerStatusBuilder()
        .withName(template.getSpec().getContainers().getFirst().getName())
        .withReady(false)
        .withRestartCount(0)
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(
            "Back-off pulling image \""
                + template.getSpec().getContainers().getFirst().getImage()
                + "\"")
        .endWaiting()
        .endState()
        .build();
  }

  private static ContainerStatus crashed(PodTemplateSpec template, String tag) {
    int code = Integer.parseInt(tag.substring("crash-".length()));
    return new ContainerStatusBuilder()
        .withName(template.getSpec().getContainers().getFirst().getName())
        .withReady(false)
        .withRestartCount(PodTracker.CRASHES + 1)
        .withNewLastState()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(code == 137 ? "OOMKilled" : "Error")
        .endTerminated()
        .endLastState()
        .withNewState()
        .withNewWaiting()
        .withReason("CrashLoopBackOff")
        .withMessage("back-off 40s restarting failed container")
        .endWaiting()
        .endState()
        .build();
  }

  // A fake controller that fails says so: a rollout that never ends is otherwise a riddle.
  private static <T> void play(Consumer<T> onChange, T object) {
    try {
      onChange.accept(object);
    } catch (RuntimeException e) {
      System.err.println("FakeControllers: " + e);
      e.printStackTrace();
    }
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> onChange) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        Thread.ofVirtual().start(() -> play(onChange, object));
      }

      @Override
      public void onUpdate(T before, T now) {
        Thread.ofVirtual().start(() -> play(onChange, now));
      }

      @Override
      public void onDelete(T object, boolean unknown) {}
    };
  }
}
