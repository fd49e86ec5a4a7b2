package dev.updraft.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The environment's watches, shared by every rollout of a run: one informer (a list, then a watch)
 * each for its pods, Deployments, StatefulSets and Jobs, and one for the namespace's events. Twenty
 * services rolling out at once cost five watches, not sixty; a rollout subscribes to what it
 * follows and unsubscribes when done. Started on first use, stopped when the target closes.
 */
final class Watches implements AutoCloseable {
  private final KubernetesClient client;
  private final Labels labels;
  private final List<SharedIndexInformer<?>> started = new ArrayList<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private SharedIndexInformer<Pod> pods;
  private SharedIndexInformer<Event> events;
  private SharedIndexInformer<io.fabric8.kubernetes.api.model.apps.Deployment> deployments;
  private SharedIndexInformer<io.fabric8.kubernetes.api.model.apps.StatefulSet> statefulSets;
  private SharedIndexInformer<io.fabric8.kubernetes.api.model.batch.v1.Job> jobs;

  /** Interest in an informer's objects, until closed. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  Watches(KubernetesClient client, Labels labels) {
    this.client = client;
    this.labels = labels;
  }

  /** The warnings reported in this run, so that none is reported twice. */
  Set<String> reported() {
    return reported;
  }

  synchronized SharedIndexInformer<Pod> pods() {
    if (pods == null) {
      pods =
          start(
              client
                  .pods()
                  .inNamespace(labels.namespace())
                  .withLabels(labels.environment())
                  .inform());
    }
    return pods;
  }

  synchronized SharedIndexInformer<Event> events() {
    if (events == null) {
      events = start(client.v1().events().inNamespace(labels.namespace()).inform());
    }
    return events;
  }

  synchronized SharedIndexInformer<? extends HasMetadata> workloads(Readiness.Kind kind) {
    String ns = labels.namespace();
    return switch (kind) {
      case DEPLOYMENT -> {
        if (deployments == null) {
          deployments =
              start(
                  client
                      .apps()
                      .deployments()
                      .inNamespace(ns)
                      .withLabels(labels.environment())
                      .inform());
        }
        yield deployments;
      }
      case STATEFUL_SET -> {
        if (statefulSets == null) {
          statefulSets =
              start(
                  client
                      .apps()
                      .statefulSets()
                      .inNamespace(ns)
                      .withLabels(labels.environment())
                      .inform());
        }
        yield statefulSets;
      }
      case JOB -> {
        if (jobs == null) {
          jobs =
              start(
                  client
                      .batch()
                      .v1()
                      .jobs()
                      .inNamespace(ns)
                      .withLabels(labels.environment())
                      .inform());
        }
        yield jobs;
      }
    };
  }

  /** Starts the informers a rollout of {@code kind} follows, before there is anything to see. */
  void prepare(Readiness.Kind kind) {
    pods();
    events();
    workloads(kind);
  }

  private <T> SharedIndexInformer<T> start(SharedIndexInformer<T> informer) {
    started.add(informer);
    // inform() returns after the list; the watch opens a moment later. A change in between is
    // replayed by an API server from the list's resourceVersion, but not by every server (the
    // test's mock), so a rollout waits the moment out: it costs milliseconds once per run.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!informer.isWatching() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return informer;
  }

  /**
   * Calls {@code onChange} for every object of {@code informer} that {@code which} accepts, those
   * there now and those to come, and {@code onDelete} when one goes; until the subscription closes.
   */
  static <T> Subscription subscribe(
      SharedIndexInformer<T> informer,
      Predicate<T> which,
      Consumer<T> onChange,
      Consumer<T> onDelete) {
    ResourceEventHandler<T> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T object) {
            if (which.test(object)) {
              onChange.accept(object);
            }
          }

          @Override
          public void onUpdate(T before, T now) {
            if (which.test(now)) {
              onChange.accept(now);
            }
          }

          @Override
          public void onDelete(T object, boolean finalStateUnknown) {
            if (onDelete != null && which.test(object)) {
              onDelete.accept(object);
            }
          }
        };
    informer.addEventHandler(handler); // replays the objects it has, then follows changes
    return () -> informer.removeEventHandler(handler);
  }

  @Override
  public synchronized void close() {
    started.forEach(SharedIndexInformer::close);
    started.clear();
    pods = null;
    events = null;
    deployments = null;
    statefulSets = null;
    jobs = null;
  }
}
