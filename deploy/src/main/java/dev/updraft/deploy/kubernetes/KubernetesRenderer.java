package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.DeployException;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders an environment as Kubernetes objects with fabric8's typed model: a Namespace; per
 * application or container a Deployment, Service, ConfigMap, Secret and, with autoscale, a
 * HorizontalPodAutoscaler; per database a StatefulSet with a volume claim, a Service and a
 * credentials Secret; per job a Job (named by version, so a new version runs again) or CronJob;
 * per router an Ingress. Objects come dependencies first, ready for server-side apply.
 */
public final class KubernetesRenderer {
  private static final int DEFAULT_PORT = 8080;
  private final EnvironmentSpec spec;
  private final Map<String, String> versions;
  private final Function<String, String> passwords;
  private final Map<String, String> secretValues;
  private final String namespace;

  /**
   * @param versions service versions (image tags of applications, job names)
   * @param passwords a stable password per database name
   * @param secretValues resolved secret values by {@code service.NAME}
   */
  public KubernetesRenderer(
      EnvironmentSpec spec,
      Map<String, String> versions,
      Function<String, String> passwords,
      Map<String, String> secretValues) {
    this.spec = spec;
    this.versions = versions;
    this.passwords = passwords;
    this.secretValues = secretValues;
    this.namespace =
        spec.kubernetes().namespace() != null ? spec.kubernetes().namespace() : spec.environment();
  }

  public String namespace() {
    return namespace;
  }

  public List<HasMetadata> render() {
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(new NamespaceBuilder().withMetadata(meta(namespace, null)).build());
    for (String name : dev.updraft.deploy.apply.Planner.order(spec)) {
      switch (spec.service(name)) {
        case Service.Database d -> database(d, objects);
        case Service.Job j -> job(j, objects);
        case Service.Application a ->
            workload(a.name(), image(a), a.process().command(), a.process().env(), a.port(), a.instances(),
                a.health(), a.resources(), a.autoscale(), objects);
        case Service.Container c ->
            workload(c.name(), c.image(), c.command(), c.env(), c.port(), c.instances(), c.health(),
                c.resources(), c.autoscale(), objects);
        case Service.Router r -> objects.add(ingress(r));
      }
    }
    return objects;
  }

  private String image(Service.Application app) {
    String registry = spec.kubernetes().registry();
    String repository = (registry == null ? "" : registry + "/") + spec.environment() + "-" + app.name();
    return repository + ":" + version(app.name());
  }

  private String version(String service) {
    return versions.getOrDefault(service, "latest");
  }

  private void workload(
      String name, String image, String command, Map<String, String> env, Integer port, int instances,
      Service.Health health, Service.Resources resources, Service.Autoscale autoscale, List<HasMetadata> out) {
    int containerPort = port == null ? DEFAULT_PORT : port;
    List<EnvFromSource> envFrom = environment(name, env, containerPort, out);
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(name)
            .withImage(image)
            .addNewPort().withName("http").withContainerPort(containerPort).endPort()
            .withEnvFrom(envFrom)
            .withReadinessProbe(probe(health, containerPort))
            .withLivenessProbe(probe(health, containerPort));
    if (command != null) {
      container.withCommand("sh", "-c", "exec " + command);
    }
    limits(container, resources);
    out.add(
        new DeploymentBuilder()
            .withMetadata(meta(name, "application"))
            .withNewSpec()
            .withReplicas(instances)
            .withNewSelector().withMatchLabels(selector(name)).endSelector()
            .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
            .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
            .withNewTemplate()
            .withNewMetadata().withLabels(labels(name, "application")).endMetadata()
            .withSpec(pod(container.build(), "Always"))
            .endTemplate()
            .endSpec()
            .build());
    out.add(service(name, "application", containerPort, containerPort));
    if (autoscale != null) {
      out.add(
          new HorizontalPodAutoscalerBuilder()
              .withMetadata(meta(name, "application"))
              .withNewSpec()
              .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(name).endScaleTargetRef()
              .withMinReplicas(instances)
              .withMaxReplicas(Math.max(instances, autoscale.max()))
              .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
              .withType("Utilization").withAverageUtilization(autoscale.cpu()).endTarget().endResource().endMetric()
              .endSpec()
              .build());
    }
  }

  /** A ConfigMap for plain variables and a Secret for anything carrying a secret value. */
  private List<EnvFromSource> environment(String name, Map<String, String> env, Integer port, List<HasMetadata> out) {
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> secret = new LinkedHashMap<>();
    if (port != null) {
      plain.put("PORT", Integer.toString(port));
    }
    env.forEach(
        (key, value) -> {
          boolean sensitive = Reference.in(value).stream().anyMatch(r -> "password".equals(r.attribute()) || "url".equals(r.attribute()) && isDatabase(r.service()));
          (sensitive ? secret : plain).put(key, Reference.substitute(value, r -> resolve(name, r)));
        });
    secretValues.forEach(
        (key, value) -> {
          if (key.startsWith(name + ".")) {
            secret.put(key.substring(name.length() + 1), value);
          }
        });
    List<EnvFromSource> sources = new ArrayList<>();
    out.add(new ConfigMapBuilder().withMetadata(meta(name + "-config", null)).withData(plain).build());
    sources.add(new EnvFromSourceBuilder().withNewConfigMapRef().withName(name + "-config").endConfigMapRef().build());
    if (!secret.isEmpty()) {
      out.add(new SecretBuilder().withMetadata(meta(name + "-secrets", null)).withType("Opaque").withStringData(secret).build());
      sources.add(new EnvFromSourceBuilder().withNewSecretRef().withName(name + "-secrets").endSecretRef().build());
    }
    return sources;
  }

  private boolean isDatabase(String service) {
    return spec.service(service) instanceof Service.Database;
  }

  private String resolve(String referrer, Reference ref) {
    Service target = spec.service(ref.service());
    String host = ref.service() + "." + namespace + ".svc.cluster.local";
    return switch (target) {
      case Service.Database d -> {
        boolean postgres = d.engine().equals("postgres");
        int port = postgres ? 5432 : 6379;
        String password = postgres ? passwords.apply(d.name()) : "";
        yield switch (ref.attribute()) {
          case "host" -> host;
          case "port" -> Integer.toString(port);
          case "user" -> "postgres";
          case "password" -> password;
          case "database" -> d.name();
          default -> postgres
              ? "postgresql://postgres:" + password + "@" + host + ":" + port + "/" + d.name()
              : "redis://" + host + ":" + port;
        };
      }
      case Service.Job j ->
          throw new DeployException(
              "KUBERNETES_UNSUPPORTED",
              referrer + ": " + ref.text() + ": job outputs cannot be referenced on the kubernetes target yet",
              "pass the value through a Secret or ConfigMap the job writes, or use the local target", null);
      default -> {
        int port = portOf(target);
        yield switch (ref.attribute()) {
          case "host" -> host;
          case "port" -> Integer.toString(port);
          default -> "http://" + host + ":" + port;
        };
      }
    };
  }

  private static int portOf(Service service) {
    Integer port =
        switch (service) {
          case Service.Application a -> a.port();
          case Service.Container c -> c.port();
          case Service.Router r -> 80;
          default -> null;
        };
    return port == null ? DEFAULT_PORT : port;
  }

  private void database(Service.Database db, List<HasMetadata> out) {
    boolean postgres = db.engine().equals("postgres");
    int port = postgres ? 5432 : 6379;
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(db.name())
            .addNewPort().withName(db.engine()).withContainerPort(port).endPort()
            .withReadinessProbe(new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket()
                .withPeriodSeconds(2).build());
    String mount = postgres ? "/var/lib/postgresql/data" : "/data";
    if (postgres) {
      out.add(new SecretBuilder().withMetadata(meta(db.name() + "-credentials", "database")).withType("Opaque")
          .withStringData(Map.of("password", passwords.apply(db.name()))).build());
      container
          .withImage("postgres:" + (db.version() == null ? "16" : db.version()))
          .addNewEnv().withName("POSTGRES_DB").withValue(db.name()).endEnv()
          .addNewEnv().withName("PGDATA").withValue(mount + "/pgdata").endEnv()
          .addNewEnv().withName("POSTGRES_PASSWORD").withNewValueFrom().withNewSecretKeyRef()
          .withName(db.name() + "-credentials").withKey("password").endSecretKeyRef().endValueFrom().endEnv();
    } else {
      container.withImage("redis:" + (db.version() == null ? "7" : db.version())).withArgs("--appendonly", "yes");
    }
    container.addNewVolumeMount().withName("data").withMountPath(mount).endVolumeMount();
    out.add(
        new StatefulSetBuilder()
            .withMetadata(meta(db.name(), "database"))
            .withNewSpec()
            .withServiceName(db.name())
            .withReplicas(1)
            .withNewSelector().withMatchLabels(selector(db.name())).endSelector()
            .withNewTemplate()
            .withNewMetadata().withLabels(labels(db.name(), "database")).endMetadata()
            .withSpec(pod(container.build(), "Always"))
            .endTemplate()
            .withVolumeClaimTemplates(
                new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                    .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build())
            .endSpec()
            .build());
    out.add(service(db.name(), "database", port, port));
  }

  private void job(Service.Job job, List<HasMetadata> out) {
    if (job.when().equals("delete")) {
      return; // runs at destroy
    }
    String registry = spec.kubernetes().registry();
    String image = (registry == null ? "" : registry + "/") + spec.environment() + "-" + job.name() + ":" + version(job.name());
    List<EnvFromSource> envFrom = environment(job.name(), job.process().env(), null, out);
    Container container =
        new ContainerBuilder().withName(job.name()).withImage(image)
            .withCommand("sh", "-c", "exec " + job.process().command()).withEnvFrom(envFrom).build();
    JobSpec jobSpec =
        new JobSpecBuilder()
            .withBackoffLimit(2)
            .withActiveDeadlineSeconds(job.timeout().toSeconds())
            .withNewTemplate()
            .withNewMetadata().withLabels(labels(job.name(), "job")).endMetadata()
            .withSpec(pod(container, "Never"))
            .endTemplate()
            .build();
    if (job.when().equals("cron")) {
      out.add(new CronJobBuilder().withMetadata(meta(job.name(), "job")).withNewSpec().withSchedule(job.schedule())
          .withConcurrencyPolicy("Forbid").withNewJobTemplate().withSpec(jobSpec).endJobTemplate().endSpec().build());
    } else {
      String version = version(job.name());
      out.add(new JobBuilder().withMetadata(meta(job.name() + "-" + version.substring(0, Math.min(8, version.length())), "job"))
          .withSpec(jobSpec).build());
    }
  }

  private HasMetadata ingress(Service.Router router) {
    List<HTTPIngressPathBuilder> paths = new ArrayList<>();
    router.routes().stream()
        .sorted((a, b) -> b.path().length() - a.path().length())
        .forEach(route -> paths.add(new HTTPIngressPathBuilder().withPath(route.path()).withPathType("Prefix")
            .withNewBackend().withNewService().withName(route.service()).withNewPort().withName("http").endPort()
            .endService().endBackend()));
    List<IngressRule> rules = new ArrayList<>();
    List<String> hosts = router.hosts().isEmpty() ? java.util.Collections.singletonList(null) : router.hosts();
    for (String host : hosts) {
      IngressRuleBuilder rule = new IngressRuleBuilder().withHost(host).withNewHttp()
          .withPaths(paths.stream().map(HTTPIngressPathBuilder::build).toList()).endHttp();
      rules.add(rule.build());
    }
    return new IngressBuilder()
        .withMetadata(meta(router.name(), "router"))
        .withNewSpec()
        .withIngressClassName(spec.kubernetes().ingressClass())
        .withRules(rules)
        .endSpec()
        .build();
  }

  private HasMetadata service(String name, String component, int port, int targetPort) {
    return new ServiceBuilder()
        .withMetadata(meta(name, component))
        .withNewSpec()
        .withSelector(selector(name))
        .addNewPort().withName("http".equals(component) || "application".equals(component) ? "http" : "db")
        .withPort(port).withTargetPort(new IntOrString(targetPort)).endPort()
        .endSpec()
        .build();
  }

  private static PodSpec pod(Container container, String restart) {
    return new PodSpecBuilder().withContainers(container).withRestartPolicy(restart).build();
  }

  private static Probe probe(Service.Health health, int port) {
    ProbeBuilder probe = new ProbeBuilder()
        .withPeriodSeconds((int) Math.max(1, health.interval().toSeconds()))
        .withTimeoutSeconds((int) Math.max(1, health.timeout().toSeconds()));
    return health.http()
        ? probe.withNewHttpGet().withPath(health.path()).withPort(new IntOrString(port)).endHttpGet().build()
        : probe.withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket().build();
  }

  private static void limits(ContainerBuilder container, Service.Resources resources) {
    if (resources == null || (resources.memory() == null && resources.cpu() == null)) {
      return;
    }
    Map<String, Quantity> limits = new LinkedHashMap<>();
    if (resources.memory() != null) {
      limits.put("memory", new Quantity(resources.memory()));
    }
    if (resources.cpu() != null) {
      limits.put("cpu", new Quantity(Double.toString(resources.cpu())));
    }
    container.withResources(new ResourceRequirementsBuilder().withLimits(limits).withRequests(limits).build());
  }

  private ObjectMeta meta(String name, String component) {
    ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name);
    if (!name.equals(namespace) || component != null) {
      meta.withNamespace(namespace);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/part-of", spec.environment());
    labels.put("app.kubernetes.io/managed-by", "updraft");
    if (component != null) {
      labels.putAll(labels(name, component));
    }
    return meta.withLabels(labels).build();
  }

  private Map<String, String> labels(String name, String component) {
    Map<String, String> labels = new LinkedHashMap<>(selector(name));
    labels.put("app.kubernetes.io/component", component);
    labels.put("app.kubernetes.io/part-of", spec.environment());
    return labels;
  }

  private static Map<String, String> selector(String name) {
    return Map.of("app.kubernetes.io/name", name);
  }
}
