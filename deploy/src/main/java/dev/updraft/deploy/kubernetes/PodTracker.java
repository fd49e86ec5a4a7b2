package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.Deployment;
import dev.updraft.deploy.apply.JobOutputs;
import dev.updraft.deploy.events.Event;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the pods of one rollout show, as the pod watch reports them: how many run the new version
 * and are ready, how many old ones remain, containers that ended and why (in words), and the reason
 * to give up early when a new pod cannot start. Old pods' troubles are not the rollout's.
 */
final class PodTracker {
  /** Waiting reasons that do not resolve by waiting. */
  private static final Set<String> STUCK =
      Set.of(
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  /** A new pod in CrashLoopBackOff this many restarts in fails the rollout. */
  static final int CRASHES = 2;

  private record View(boolean fresh, boolean ready, boolean terminating) {}

  private final String service;
  private final String version;
  private final Deployment release;
  private final Map<String, View> pods = new LinkedHashMap<>();
  private final Map<String, Integer> restarts = new HashMap<>();
  private final Set<String> exited = new java.util.HashSet<>();
  private final Map<String, String> outputs = new LinkedHashMap<>();
  private String failure;
  private String failingPod;
  private String failingContainer;
  private Log failingLog = Log.NONE;
  private String lastExit;
  private int desired = 1;
  private String lastCounts = "";

  PodTracker(String service, String version, Deployment release) {
    this.service = service;
    this.version = version;
    this.release = release;
  }

  synchronized void desired(int replicas) {
    this.desired = replicas;
    report();
  }

  synchronized void update(Pod pod) {
    String name = pod.getMetadata().getName();
    Map<String, String> labels = pod.getMetadata().getLabels();
    boolean fresh = labels != null && version.equals(labels.get(Labels.VERSION));
    boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
    pods.put(name, new View(fresh, ready(pod), terminating));
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
        container(name, fresh, c);
      }
    }
    report();
  }

  synchronized void delete(Pod pod) {
    pods.remove(pod.getMetadata().getName());
    report();
  }

  /** Why the rollout cannot succeed, or null while it may. */
  synchronized String failure() {
    return failure;
  }

  /** The pod whose log explains the failure, or null. */
  synchronized String failingPod() {
    return failingPod;
  }

  /** Which log of the failing container explains the failure. */
  enum Log {
    /** It never ran: there is none. */
    NONE,
    /** It ended: its own. */
    CURRENT,
    /** It keeps crashing: the crashed run's. */
    PREVIOUS
  }

  synchronized Log failingLog() {
    return failingLog;
  }

  synchronized String failingContainer() {
    return failingContainer;
  }

  /** The last exit seen, in words, or null. */
  synchronized String lastExit() {
    return lastExit;
  }

  /** What a job's finished container wrote to its output file, {@code NAME=value} lines. */
  synchronized Map<String, String> outputs() {
    return Map.copyOf(outputs);
  }

  /** The pods now, for messages: {@code new 1/2 (1 ready), old 2}. */
  synchronized String counts() {
    Counts c = count();
    return "new " + c.updated() + "/" + desired + " (" + c.ready() + " ready), old " + c.old();
  }

  private record Counts(int updated, int ready, int old) {}

  private Counts count() {
    int updated = 0;
    int ready = 0;
    int old = 0;
    for (View v : pods.values()) {
      if (!v.fresh()) {
        old++;
      } else if (!v.terminating()) {
        updated++;
        ready += v.ready() ? 1 : 0;
      }
    }
    return new Counts(updated, ready, old);
  }

  private void report() {
    Counts c = count();
    String now = desired + " " + c;
    if (!now.equals(lastCounts)) {
      lastCounts = now;
      release.emit(
          new Event.Pods(
              release.elapsedMillis(), service, desired, c.updated(), c.ready(), c.old()));
    }
  }

  private void container(String pod, boolean fresh, ContainerStatus c) {
    String key = pod + "/" + c.getName();
    int count = c.getRestartCount() == null ? 0 : c.getRestartCount();
    Integer before = restarts.put(key, count);
    ContainerStateTerminated last =
        c.getLastState() == null ? null : c.getLastState().getTerminated();
    // An old pod's restarts before the rollout began are not news; a new pod's are.
    if (last != null && count > 0 && (before == null ? fresh : count > before)) {
      exit(pod, count, last, fresh);
    }
    ContainerState state = c.getState();
    if (state == null) {
      return;
    }
    if (state.getTerminated() != null && fresh && exited.add(key)) { // ends for good: a job's
      ContainerStateTerminated end = state.getTerminated();
      exit(pod, count, end, true);
      if (Integer.valueOf(0).equals(end.getExitCode())) {
        outputs.putAll(JobOutputs.parse(end.getMessage()));
      } else {
        fail(pod, pod + " " + ExitCodes.describe(end.getExitCode()), Log.CURRENT, c.getName());
      }
    }
    if (fresh && state.getWaiting() != null && state.getWaiting().getReason() != null) {
      String reason = state.getWaiting().getReason();
      String message = state.getWaiting().getMessage();
      if (STUCK.contains(reason)) {
        fail(
            pod,
            pod + " cannot start: " + reason + (message == null ? "" : ": " + message),
            Log.NONE,
            c.getName());
      } else if (reason.equals("CrashLoopBackOff") && count >= CRASHES) {
        fail(
            pod,
            pod
                + " keeps crashing ("
                + count
                + " restarts)"
                + (lastExit == null ? "" : ": " + lastExit),
            Log.PREVIOUS,
            c.getName());
      }
    }
  }

  private void exit(String pod, int count, ContainerStateTerminated end, boolean fresh) {
    String meaning = ExitCodes.describe(end.getExitCode());
    if (fresh) {
      lastExit = meaning;
    }
    release.emit(
        new Event.ContainerExit(
            release.elapsedMillis(),
            service,
            pod,
            count,
            end.getExitCode(),
            end.getReason(),
            meaning));
  }

  private void fail(String pod, String why, Log log, String container) {
    if (failure == null) {
      failure = why;
      failingPod = pod;
      failingLog = log;
      failingContainer = container;
    }
  }

  private static boolean ready(Pod pod) {
    List<PodCondition> conditions =
        pod.getStatus() == null ? null : pod.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
