package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A deployed service's pods as {@code deploy logs} and {@code deploy exec} reach them: their logs
 * from the API server with the kubelet's own timestamps, followed by asking again for what came
 * after the last line seen (of new pods too), and a command run in a pod's container through the
 * exec subresource, as {@code kubectl logs} and {@code kubectl exec} do.
 */
final class PodAccess {
  /** How often a follower asks again. */
  static final long POLL_MILLIS = 1000;

  private final KubernetesClient client;
  private final Labels labels;

  PodAccess(KubernetesClient client, Labels labels) {
    this.client = client;
    this.labels = labels;
  }

  /** The names of the service's pods, sorted. */
  List<String> pods(String service) {
    TreeSet<String> names = new TreeSet<>();
    for (Pod pod :
        client
            .pods()
            .inNamespace(labels.namespace())
            .withLabels(labels.selector(service))
            .list()
            .getItems()) {
      names.add(pod.getMetadata().getName());
    }
    return List.copyOf(names);
  }

  void logs(ServiceState state, LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop)
      throws InterruptedException {
    List<String> pods = chosen(state.service(), query.instance());
    Map<String, Instant> last = new HashMap<>();
    List<LogLine> history = new ArrayList<>();
    for (String pod : pods) {
      history.addAll(read(pod, query.since(), query.tail(), last));
    }
    history.sort(Comparator.comparing(LogLine::time));
    ArrayDeque<LogLine> shown = new ArrayDeque<>(history);
    while (query.tail() >= 0 && shown.size() > query.tail()) {
      shown.removeFirst();
    }
    shown.forEach(sink);
    while (query.follow() && !stop.getAsBoolean()) {
      Thread.sleep(POLL_MILLIS);
      List<LogLine> fresh = new ArrayList<>();
      for (String pod : chosen(state.service(), query.instance())) {
        Instant from = last.getOrDefault(pod, query.since());
        fresh.addAll(read(pod, from, -1, last));
      }
      fresh.sort(Comparator.comparing(LogLine::time));
      fresh.forEach(sink);
    }
  }

  /** The pod the instance names, or all of the service's. */
  private List<String> chosen(String service, String instance) {
    List<String> pods = pods(service);
    if (instance.isEmpty()) {
      return pods;
    }
    if (!pods.contains(instance)) {
      throw new DeployException(
          "UNKNOWN_INSTANCE",
          "instance: " + instance + " is not a pod of " + service + " (pods: " + pods + ")",
          "see kubectl get pods -l " + Labels.NAME + "=" + service,
          null);
    }
    return List.of(instance);
  }

  /**
   * A pod's lines written after {@code after} (at or after it on the first read), recording the
   * time of the last one: the API server's {@code sinceTime} has whole seconds, the lines' stamps
   * nanoseconds, so the lines of that second that were seen already are left out here.
   */
  private List<LogLine> read(String pod, Instant after, int tail, Map<String, Instant> last) {
    String text;
    try {
      text = PodLogs.stamped(client, labels.namespace(), pod, after, tail);
    } catch (KubernetesClientException e) {
      return List.of(); // a pod that went, or has not started: its lines are not there
    }
    Instant seen = last.get(pod);
    List<LogLine> lines = new ArrayList<>();
    for (String stored : text == null ? List.<String>of() : text.lines().toList()) {
      int space = stored.indexOf(' ');
      try {
        Instant time = Instant.parse(space < 0 ? stored : stored.substring(0, space));
        if (time.isBefore(after) || (seen != null && !time.isAfter(seen))) {
          continue;
        }
        lines.add(new LogLine(time, pod, space < 0 ? "" : stored.substring(space + 1)));
        last.put(pod, time);
      } catch (DateTimeParseException e) {
        // not a line the API server stamped: a runtime's notice, skipped
      }
    }
    return lines;
  }

  /** Runs {@code command} in the instance's pod (the first one if none is named); its exit code. */
  int exec(
      ServiceState state,
      String instance,
      List<String> command,
      InputStream in,
      OutputStream out,
      OutputStream err) {
    String pod =
        instance.isEmpty() ? first(state.service()) : chosen(state.service(), instance).getFirst();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(labels.namespace())
            .withName(pod)
            .redirectingInput()
            .writingOutput(out)
            .writingError(err)
            .exec(command.toArray(String[]::new))) {
      // fabric8 pumps no stream into a pod itself any more: ours does, and closes it at the end
      // of the input, as kubectl exec -i does.
      Thread pump =
          Thread.ofVirtual()
              .name("exec-stdin")
              .start(
                  () -> {
                    try (OutputStream toPod = watch.getInput()) {
                      in.transferTo(toPod);
                    } catch (IOException e) {
                      // the command ended and took its stdin with it
                    }
                  });
      try {
        return watch.exitCode().get();
      } finally {
        pump.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("INTERRUPTED", "exec: interrupted", null, null);
    } catch (ExecutionException | KubernetesClientException e) {
      throw new DeployException(
          "EXEC_FAILED",
          "exec in pod " + pod + " failed: " + rootCause(e),
          "check that the container runs and has " + command.getFirst(),
          null);
    }
  }

  /** fabric8 wraps what went wrong ("An error has occurred."); the innermost cause says it. */
  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
  }

  private String first(String service) {
    List<String> pods = pods(service);
    if (pods.isEmpty()) {
      throw new DeployException(
          "NOT_RUNNING",
          "service: " + service + " has no pods in " + labels.namespace(),
          "run updraft deploy apply, then check kubectl get pods",
          null);
    }
    return pods.getFirst();
  }
}
