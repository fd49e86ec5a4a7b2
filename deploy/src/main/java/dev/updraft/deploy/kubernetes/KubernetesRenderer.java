package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.ServiceKind;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders one service as Kubernetes objects with fabric8's typed model, in apply order: an
 * application or container is a ConfigMap and Secret for its variables, a Deployment, a Service
 * and, with autoscale, a HorizontalPodAutoscaler; a job is a Job named by its version (so a new
 * version runs again) or a CronJob; a database is a StatefulSet (see {@link DatabaseObjects}); a
 * router is an Ingress. Rendering is pure: variables come resolved, passwords come given.
 */
final class KubernetesRenderer {
  /** Where a job writes its outputs: the kubelet hands the file's content back in its status. */
  static final String OUTPUT_FILE = "/dev/termination-log";

  /** A service's variables: plain ones go to its ConfigMap, secret ones to its Secret. */
  record Env(Map<String, String> plain, Map<String, String> secret) {
    Env {
      plain = Map.copyOf(plain);
      secret = Map.copyOf(secret);
    }
  }

  private final EnvironmentSpec spec;
  private final Labels labels;
  private final ProxySidecar sidecar;

  KubernetesRenderer(EnvironmentSpec spec) {
    this.spec = spec;
    this.labels = new Labels(spec.environment(), spec.namespace());
    this.sidecar = new ProxySidecar(spec, labels);
  }

  Labels labels() {
    return labels;
  }

  Namespace namespace() {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(spec.namespace())
        .withLabels(labels.environment())
        .endMetadata()
        .build();
  }

  /** The image an application or job runs: built from its path and pushed under its version. */
  static String image(EnvironmentSpec spec, String service, String version) {
    String registry = spec.kubernetes().registry();
    return (registry == null ? "" : registry + "/")
        + spec.environment()
        + "-"
        + service
        + ":"
        + version;
  }

  /**
   * The service's objects; {@code password} is a database's, null for other kinds. {@code image} is
   * what an application's or job's pods run (the pushed image, pinned to its digest), null for its
   * tag: a dry run knows no digest.
   */
  List<HasMetadata> render(
      Service service, String version, String image, Env env, String password) {
    String built =
        image != null || service.source().isEmpty() ? image : image(spec, service.name(), version);
    List<HasMetadata> out = new ArrayList<>();
    if (MeshNames.meshed(service)
        && !(service instanceof Service.Job j && j.runs(Service.When.DELETE))) {
      out.addAll(sidecar.objects(service, service.kind().word()));
    }
    switch (service) {
      case Service.Database d -> out.addAll(new DatabaseObjects(this).render(d, version, password));
      case Service.Job j when j.runs(Service.When.START) -> {
        environment(j.name(), "job", env, out);
        out.add(
            new JobBuilder()
                .withMetadata(
                    labels.meta(
                        Labels.jobRun(j.name(), version),
                        labels.versioned(j.name(), "job", version)))
                .withSpec(job(j, version, built, env))
                .build());
      }
      case Service.Job j when j.runs(Service.When.CRON) -> {
        environment(j.name(), "job", env, out);
        out.add(
            new CronJobBuilder()
                .withMetadata(labels.meta(j.name(), labels.versioned(j.name(), "job", version)))
                .withNewSpec()
                .withSchedule(j.schedule())
                .withTimeZone(j.timezone())
                .withConcurrencyPolicy("Forbid")
                .withNewJobTemplate()
                .withSpec(job(j, version, built, env))
                .endJobTemplate()
                .endSpec()
                .build());
      }
      case Service.Job j -> {} // runs when the environment is destroyed: see onDelete
      case Service.Application a ->
          server(
              a,
              a.kind().word(),
              built,
              a.process().command(),
              a.instances(),
              a.health(),
              a.resources(),
              a.autoscale(),
              Attributes.port(a),
              version,
              env,
              out);
      case Service.Container c ->
          server(
              c,
              c.kind().word(),
              c.image(),
              c.command(),
              c.instances(),
              c.health(),
              c.resources(),
              c.autoscale(),
              Attributes.port(c),
              version,
              env,
              out);
      case Service.Router r -> out.add(new Routes(spec, labels).render(r));
    }
    return out;
  }

  /** The run of a {@code when: delete} job for one destroy, in {@code image}. */
  List<HasMetadata> onDelete(Service.Job job, String version, String image, Env env, int release) {
    List<HasMetadata> out = new ArrayList<>(sidecar.objects(job, "job"));
    environment(job.name(), "job", env, out);
    Map<String, String> runLabels = labels.versioned(job.name(), "job", version);
    runLabels.put(Labels.ON_DELETE, "true");
    out.add(
        new JobBuilder()
            .withMetadata(labels.meta(job.name() + "-delete-" + release, runLabels))
            .withSpec(job(job, version, image, env))
            .build());
    return out;
  }

  private void server(
      Service service,
      String component,
      String image,
      String command,
      int instances,
      Service.Health health,
      Service.Resources resources,
      Service.Autoscale autoscale,
      int port,
      String version,
      Env env,
      List<HasMetadata> out) {
    String name = service.name();
    Map<String, String> plain = new LinkedHashMap<>(env.plain());
    plain.put("PORT", Integer.toString(port));
    Env withPort = new Env(plain, env.secret());
    environment(name, component, withPort, out);
    ContainerBuilder container =
        Pods.server(
            Pods.container(name, image, command),
            port,
            health,
            resources,
            Pods.envFrom(name, !env.secret().isEmpty()));
    DeploymentSpecBuilder deployment =
        new DeploymentSpecBuilder()
            .withNewSelector()
            .withMatchLabels(labels.selector(name))
            .endSelector()
            // One new pod at a time, each ready before an old one goes: no request fails.
            .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxSurge(new IntOrString(1))
            .withMaxUnavailable(new IntOrString(0))
            .endRollingUpdate()
            .endStrategy()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels.versioned(name, component, version))
            .withAnnotations(Map.of(Labels.ENV_HASH, Pods.hash(withPort.plain(), env.secret())))
            .endMetadata()
            .withSpec(sidecar.wrap(service, pod(container, "Always")))
            .endTemplate();
    if (autoscale == null) {
      deployment.withReplicas(instances); // with autoscale the autoscaler owns the count
    }
    out.add(
        new DeploymentBuilder()
            .withMetadata(labels.meta(name, labels.versioned(name, component, version)))
            .withSpec(deployment.build())
            .build());
    // Every connection goes through the sidecar, which admits what the service's policy allows.
    out.add(service(name, component, "http", port, MeshNames.INBOUND_PORT));
    if (autoscale != null) {
      out.add(
          new HorizontalPodAutoscalerBuilder()
              .withMetadata(labels.meta(name, labels.service(name, component)))
              .withNewSpec()
              .withNewScaleTargetRef()
              .withApiVersion("apps/v1")
              .withKind("Deployment")
              .withName(name)
              .endScaleTargetRef()
              .withMinReplicas(instances)
              .withMaxReplicas(autoscale.max())
              .addNewMetric()
              .withType("Resource")
              .withNewResource()
              .withName("cpu")
              .withNewTarget()
              .withType("Utilization")
              .withAverageUtilization(autoscale.cpu())
              .endTarget()
              .endResource()
              .endMetric()
              .endSpec()
              .build());
    }
  }

  /** The ConfigMap of plain variables, and the Secret of secret ones when there are any. */
  private void environment(String name, String component, Env env, List<HasMetadata> out) {
    out.add(
        new ConfigMapBuilder()
            .withMetadata(labels.meta(Labels.envConfigMap(name), labels.service(name, component)))
            .withData(new TreeMap<>(env.plain()))
            .build());
    if (!env.secret().isEmpty()) {
      out.add(secret(Labels.envSecret(name), labels.service(name, component), env.secret()));
    }
  }

  HasMetadata secret(String name, Map<String, String> labelSet, Map<String, String> data) {
    Map<String, String> encoded = new TreeMap<>();
    data.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withMetadata(labels.meta(name, labelSet))
        .withType("Opaque")
        .withData(encoded)
        .build();
  }

  private JobSpec job(Service.Job job, String version, String image, Env env) {
    ContainerBuilder container =
        Pods.container(job.name(), image, job.process().command())
            .withEnvFrom(Pods.envFrom(job.name(), !env.secret().isEmpty()))
            .addNewEnv()
            .withName("UPDRAFT_OUTPUT")
            .withValue(OUTPUT_FILE)
            .endEnv()
            .withTerminationMessagePath(OUTPUT_FILE)
            .withTerminationMessagePolicy("File");
    Pods.limits(container, job.limits());
    return new JobSpecBuilder()
        .withBackoffLimit(0) // a failed run fails the release, as on the local target
        // The API server wants a positive number of whole seconds: 500ms would be 0, refused.
        .withActiveDeadlineSeconds(Math.max(1, (job.timeout().toMillis() + 999) / 1000))
        .withTtlSecondsAfterFinished(86_400)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels.versioned(job.name(), "job", version))
        .endMetadata()
        .withSpec(sidecar.wrap(job, pod(container, "Never")))
        .endTemplate()
        .build();
  }

  /** The Service in front of a database's pods. */
  HasMetadata databaseService(String name, int port) {
    return service(name, ServiceKind.DATABASE.word(), "db", port, port);
  }

  private HasMetadata service(
      String name, String component, String portName, int port, int targetPort) {
    return new ServiceBuilder()
        .withMetadata(labels.meta(name, labels.service(name, component)))
        .withNewSpec()
        .withSelector(labels.selector(name))
        .addNewPort()
        .withName(portName)
        .withPort(port)
        .withTargetPort(new IntOrString(targetPort))
        .endPort()
        .endSpec()
        .build();
  }

  static PodSpec pod(ContainerBuilder container, String restartPolicy) {
    return new PodSpecBuilder()
        .withContainers(container.build())
        .withRestartPolicy(restartPolicy)
        .build();
  }
}
