package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.EnvironmentSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The kinds of objects updraft applies, and how it finds a service's objects among them. */
final class Kinds {
  static final Class<HTTPRoute> HTTP_ROUTE = HTTPRoute.class;

  /** What runs or routes: a recorded instance names one of these. */
  static final List<Class<? extends HasMetadata>> WORKLOADS =
      List.of(Deployment.class, StatefulSet.class, CronJob.class, Ingress.class, HTTP_ROUTE);

  /** Everything a service may own. */
  static final List<Class<? extends HasMetadata>> ALL =
      List.of(
          Deployment.class,
          StatefulSet.class,
          Job.class,
          CronJob.class,
          HorizontalPodAutoscaler.class,
          Service.class,
          ConfigMap.class,
          Secret.class,
          ServiceAccount.class,
          Ingress.class,
          HTTP_ROUTE);

  private Kinds() {}

  /** The objects of the cluster that carry the service's labels. */
  static List<HasMetadata> owned(
      KubernetesClient client, EnvironmentSpec spec, Labels labels, String service) {
    Map<String, String> selector = labels.environment();
    selector.put(Labels.NAME, service);
    List<HasMetadata> found = new ArrayList<>();
    for (Class<? extends HasMetadata> kind : ALL) {
      if (kind == HTTP_ROUTE && spec.kubernetes().gateway() == null) {
        continue;
      }
      try {
        found.addAll(
            client
                .resources(kind)
                .inNamespace(spec.namespace())
                .withLabels(selector)
                .list()
                .getItems());
      } catch (KubernetesClientException e) {
        throw KubernetesErrors.of(service, "list " + kind.getSimpleName() + "s", e);
      }
    }
    return found;
  }

  /**
   * What outlives its service: a database's password, which its volume needs, and the run of an
   * on-delete job, whose log tells how the destroy went.
   */
  static boolean kept(HasMetadata object, String service) {
    Map<String, String> labels = object.getMetadata().getLabels();
    boolean password =
        object instanceof Secret
            && object.getMetadata().getName().equals(Labels.credentials(service));
    boolean onDelete =
        object instanceof Job && labels != null && labels.containsKey(Labels.ON_DELETE);
    return password || onDelete;
  }

  /** {@code Deployment/catalog, Service/catalog, ...} for progress messages. */
  static String list(List<HasMetadata> objects) {
    Map<String, List<String>> byKind = new LinkedHashMap<>();
    objects.forEach(
        o ->
            byKind
                .computeIfAbsent(o.getKind(), k -> new ArrayList<>())
                .add(o.getMetadata().getName()));
    List<String> parts = new ArrayList<>();
    byKind.forEach((kind, names) -> parts.add(kind + " " + String.join(", ", names)));
    return "applied " + String.join("; ", parts);
  }
}
