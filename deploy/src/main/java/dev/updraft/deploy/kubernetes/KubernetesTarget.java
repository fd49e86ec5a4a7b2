package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.Deployment;
import dev.updraft.deploy.apply.JobOutputs;
import dev.updraft.deploy.apply.Target;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.journal.StepOutcome;
import dev.updraft.deploy.logs.LogLine;
import dev.updraft.deploy.logs.LogQuery;
import dev.updraft.deploy.spec.DatabaseEngine;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The kubernetes target: an application's or job's image is put in the registry first ({@link
 * Images}), then each service is rendered ({@link KubernetesRenderer}), applied with server-side
 * apply under the field manager {@code updraft}, and followed until its rollout is done ({@link
 * RolloutFollower}); then what the service no longer has (an autoscaler, an earlier job run) is
 * pruned. A service whose rollout failed is recorded at a version no spec has, so that the engine's
 * rollback applies the last good version again.
 */
public final class KubernetesTarget implements Target {
  private final EnvironmentSpec spec;
  private final KubernetesClient client;
  private final boolean ownsClient;
  private final Path dir;
  private final KubernetesRenderer renderer;
  private final Labels labels;
  private final Map<String, String> summaries = new ConcurrentHashMap<>();
  private final Watches watches;
  private final ImagePublisher images;
  private final IdentityService identity;
  private Credentials credentials;
  private boolean namespaceReady;

  /**
   * @param dir the target's data directory (journal, database passwords, artifacts)
   * @param ownsClient whether closing the target closes the client
   */
  KubernetesTarget(
      EnvironmentSpec spec,
      KubernetesClient client,
      Path dir,
      boolean ownsClient,
      ImagePublisher images) {
    this.spec = spec;
    this.images = images;
    this.client = client;
    this.ownsClient = ownsClient;
    this.dir = dir;
    this.renderer = new KubernetesRenderer(spec);
    this.labels = renderer.labels();
    this.watches = new Watches(client, labels);
    this.identity = new IdentityService(spec, client, renderer, dir);
  }

  @Override
  public void logs(ServiceState state, LogQuery query, Consumer<LogLine> sink, BooleanSupplier stop)
      throws InterruptedException {
    new PodAccess(client, labels).logs(state, query, sink, stop);
  }

  @Override
  public int exec(ServiceState state, String instance, List<String> command) {
    return new PodAccess(client, labels)
        .exec(state, instance, command, System.in, System.out, System.err);
  }

  @Override
  public Set<String> live() {
    Set<String> ids = new HashSet<>();
    for (Class<? extends HasMetadata> kind : Kinds.WORKLOADS) {
      if (kind == Kinds.HTTP_ROUTE && spec.kubernetes().gateway() == null) {
        continue;
      }
      try {
        client
            .resources(kind)
            .inNamespace(spec.namespace())
            .withLabels(labels.environment())
            .list()
            .getItems()
            .forEach(o -> ids.add(o.getKind() + "/" + o.getMetadata().getName()));
      } catch (KubernetesClientException e) {
        throw KubernetesErrors.of(spec.environment(), "list " + kind.getSimpleName() + "s", e);
      }
    }
    return ids;
  }

  @Override
  public ServiceState deploy(Deployment release, Service service, String version) {
    // Before anything is applied: a failed build or push leaves the cluster as it was.
    String image = service.source().isPresent() ? images.publish(release, service, version) : null;
    ensureNamespace(service.name());
    String password = password(service, release);
    List<HasMetadata> objects =
        renderer.render(service, version, image, Environments.of(release, service), password);
    // Watches first: a pod a fast controller makes right after the apply is then seen even by a
    // server that does not replay a watch from the list's resourceVersion (fabric8's mock).
    kind(service).ifPresent(watches::prepare);
    try {
      Instant since = apply(service.name(), objects);
      release.step(service.name(), "apply", StepOutcome.PROGRESS, Kinds.list(objects));
      Map<String, String> outputs = new LinkedHashMap<>();
      String summary = follow(release, service, version, since, outputs);
      prune(service.name(), objects);
      summaries.put(service.name(), summary);
      return state(service, version, image, password, outputs);
    } catch (RuntimeException e) {
      // A job's failed run changed nothing that runs; anything else now runs a broken version.
      if (!(service instanceof Service.Job job && job.runs(Service.When.START))) {
        ServiceState failed =
            state(service, ServiceState.failedVersion(version), image, password, Map.of());
        ServiceState before = release.state(service.name());
        // Until the rollback, dependants resolve what they did: the last good attributes.
        release.deployed(before == null ? failed : failed.withAttributes(before.attributes()));
      }
      throw e;
    }
  }

  private String follow(
      Deployment release,
      Service service,
      String version,
      Instant since,
      Map<String, String> outputs) {
    RolloutFollower follower = follower(release);
    String name = service.name();
    return switch (service) {
      case Service.Application a ->
          follower.follow(Readiness.Kind.DEPLOYMENT, name, name, version, since).summary();
      case Service.Container c ->
          follower.follow(Readiness.Kind.DEPLOYMENT, name, name, version, since).summary();
      case Service.Database d ->
          follower.follow(Readiness.Kind.STATEFUL_SET, name, name, version, since).summary();
      case Service.Job j when j.runs(Service.When.START) -> {
        String run = Labels.jobRun(name, version);
        RolloutFollower.Result result =
            follower.follow(Readiness.Kind.JOB, name, run, version, since);
        outputs.putAll(outputs(j, version, result.outputs()));
        yield "job " + run + " " + result.summary();
      }
      case Service.Job j when j.runs(Service.When.CRON) -> "scheduled: " + j.schedule();
      case Service.Job j -> "runs when the environment is destroyed";
      case Service.Router r -> Routes.summary(spec, r);
    };
  }

  /** The kind of workload a service's rollout follows, if it has one. */
  private static java.util.Optional<Readiness.Kind> kind(Service service) {
    return java.util.Optional.ofNullable(
        switch (service) {
          case Service.Application a -> Readiness.Kind.DEPLOYMENT;
          case Service.Container c -> Readiness.Kind.DEPLOYMENT;
          case Service.Database d -> Readiness.Kind.STATEFUL_SET;
          case Service.Job j when j.runs(Service.When.START) -> Readiness.Kind.JOB;
          case Service.Job j -> null;
          case Service.Router r -> null;
        });
  }

  /** A job's outputs, from its pod as the watch saw it or, if the watch missed it, as it is. */
  private Map<String, String> outputs(Service.Job job, String version, Map<String, String> seen) {
    Map<String, String> outputs = new LinkedHashMap<>(seen);
    if (!outputs.keySet().containsAll(job.outputs())) {
      Map<String, String> selector = labels.selector(job.name());
      selector.put(Labels.VERSION, version);
      List<Pod> pods;
      try {
        pods = client.pods().inNamespace(spec.namespace()).withLabels(selector).list().getItems();
      } catch (KubernetesClientException e) {
        throw KubernetesErrors.of(job.name(), "list the pods of its run", e);
      }
      for (Pod pod : pods) {
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
          pod.getStatus().getContainerStatuses().stream()
              .filter(c -> c.getState() != null && c.getState().getTerminated() != null)
              .forEach(
                  c -> outputs.putAll(JobOutputs.parse(c.getState().getTerminated().getMessage())));
        }
      }
    }
    return JobOutputs.attributes(
        job,
        outputs,
        "the file named by $UPDRAFT_OUTPUT (" + KubernetesRenderer.OUTPUT_FILE + ", 4096 bytes)",
        null);
  }

  private RolloutFollower follower(Deployment release) {
    return new RolloutFollower(
        client, watches, release, labels, spec.kubernetes().timeout(), spec.services().keySet());
  }

  @Override
  public void runOnDelete(Deployment release, Service.Job job, String version) {
    String image = images.publish(release, job, version);
    ensureNamespace(job.name());
    List<HasMetadata> objects =
        renderer.onDelete(job, version, image, Environments.of(release, job), release.release());
    Instant since = apply(job.name(), objects);
    String run = objects.getLast().getMetadata().getName();
    follower(release).follow(Readiness.Kind.JOB, job.name(), run, version, since);
  }

  @Override
  public JobRun runNow(ServiceState state, Service.Job job) {
    return CronRuns.run(client, spec.namespace(), job.name(), job.timeout());
  }

  @Override
  public void remove(Deployment release, ServiceState state) {
    for (HasMetadata object : Kinds.owned(client, spec, labels, state.service())) {
      if (!Kinds.kept(object, state.service())) {
        delete(state.service(), object);
      }
    }
  }

  @Override
  public void destroyed(Deployment release) {
    identity.remove(labels);
  }

  @Override
  public String describe(ServiceState state) {
    return summaries.getOrDefault(state.service(), "");
  }

  @Override
  public String url(Service.Router router) {
    return router.hosts().isEmpty()
        ? "the ingress controller's address (the router names no hosts)"
        : "http://" + router.hosts().getFirst() + "/";
  }

  @Override
  public void close() {
    watches.close();
    if (ownsClient) {
      client.close();
    }
  }

  /** Applies every object; returns when the server applied the last workload, by its clock. */
  private Instant apply(String service, List<HasMetadata> objects) {
    Instant since = null;
    for (HasMetadata object : objects) {
      HasMetadata applied;
      try {
        if (object instanceof io.fabric8.kubernetes.api.model.apps.Deployment deployment) {
          handOverReplicas(deployment);
        }
        applied =
            client.resource(object).fieldManager(Labels.MANAGER).forceConflicts().serverSideApply();
      } catch (KubernetesClientException e) {
        throw KubernetesErrors.of(
            service, "apply " + object.getKind() + " " + object.getMetadata().getName(), e);
      }
      Instant time = appliedAt(applied);
      if (time != null) {
        since = time;
      }
    }
    return since;
  }

  /** See {@link ReplicasHandover}: costs a read only for Deployments rendered without a count. */
  private void handOverReplicas(io.fabric8.kubernetes.api.model.apps.Deployment rendered) {
    if (rendered.getSpec().getReplicas() != null) {
      return;
    }
    var live =
        client
            .apps()
            .deployments()
            .inNamespace(rendered.getMetadata().getNamespace())
            .withName(rendered.getMetadata().getName())
            .get();
    var claim = ReplicasHandover.before(rendered, live);
    if (claim != null) {
      client
          .resource(claim)
          .fieldManager(ReplicasHandover.MANAGER)
          .forceConflicts()
          .serverSideApply();
    }
  }

  private static Instant appliedAt(HasMetadata applied) {
    if (applied == null || applied.getMetadata().getManagedFields() == null) {
      return null;
    }
    for (ManagedFieldsEntry entry : applied.getMetadata().getManagedFields()) {
      if (Labels.MANAGER.equals(entry.getManager()) && entry.getTime() != null) {
        try {
          return Instant.parse(entry.getTime());
        } catch (DateTimeParseException e) {
          return null; // events are then not filtered by time
        }
      }
    }
    return null;
  }

  /** Deletes what the service had and no longer renders. */
  private void prune(String service, List<HasMetadata> objects) {
    Set<String> rendered = new HashSet<>();
    objects.forEach(o -> rendered.add(o.getKind() + "/" + o.getMetadata().getName()));
    for (HasMetadata object : Kinds.owned(client, spec, labels, service)) {
      String id = object.getKind() + "/" + object.getMetadata().getName();
      if (!rendered.contains(id) && !Kinds.kept(object, service)) {
        delete(service, object);
      }
    }
  }

  private void delete(String service, HasMetadata object) {
    try {
      client.resource(object).delete();
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.of(
          service, "delete " + object.getKind() + " " + object.getMetadata().getName(), e);
    }
  }

  /** Creates the namespace unless it exists (a user with rights in it only may not patch it). */
  private synchronized void ensureNamespace(String service) {
    if (namespaceReady) {
      return;
    }
    try {
      if (client.namespaces().withName(spec.namespace()).get() == null) {
        client
            .resource(renderer.namespace())
            .fieldManager(Labels.MANAGER)
            .forceConflicts()
            .serverSideApply();
      }
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.of(service, "create namespace " + spec.namespace(), e);
    }
    identity.ensure(service, objects -> apply(service, objects));
    namespaceReady = true;
  }

  private synchronized String password(Service service, Deployment release) {
    if (!(service instanceof Service.Database db) || db.engine() != DatabaseEngine.POSTGRES) {
      return null;
    }
    if (credentials == null) {
      credentials = new Credentials(client, spec.namespace(), dir, release.redactor());
    }
    try {
      return credentials.password(db.name());
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.of(db.name(), "read Secret " + Labels.credentials(db.name()), e);
    }
  }

  private ServiceState state(
      Service service, String version, String image, String password, Map<String, String> outputs) {
    Map<String, String> attributes = new LinkedHashMap<>(Attributes.of(spec, service, password));
    attributes.putAll(outputs);
    String name = service.name();
    List<ServiceState.Instance> instances =
        switch (service) {
          case Service.Application a -> instance("Deployment", a);
          case Service.Container c -> instance("Deployment", c);
          case Service.Database d -> instance("StatefulSet", d);
          case Service.Router r ->
              instance(spec.kubernetes().gateway() == null ? "Ingress" : "HTTPRoute", r);
          case Service.Job j when j.runs(Service.When.CRON) ->
              List.of(new ServiceState.Instance("CronJob/" + name, 0));
          case Service.Job j -> List.of();
        };
    String artifact =
        switch (service) {
          case Service.Application a -> image;
          case Service.Job j -> image;
          case Service.Container c -> c.image();
          default -> null;
        };
    Integer port = service instanceof Service.Job ? null : Attributes.port(service);
    return new ServiceState(name, service.kind(), version, artifact, instances, port, attributes);
  }

  private static List<ServiceState.Instance> instance(String kind, Service service) {
    return List.of(
        new ServiceState.Instance(kind + "/" + service.name(), Attributes.port(service)));
  }
}
