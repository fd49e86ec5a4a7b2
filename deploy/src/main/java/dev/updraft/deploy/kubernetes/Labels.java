package dev.updraft.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels updraft puts on what it applies, and the names of its objects. Every object carries
 * the environment and the service, so the target finds, follows and deletes a service's objects by
 * label; workloads and their pods also carry the version, which tells new pods from old ones.
 */
final class Labels {
  static final String NAME = "app.kubernetes.io/name";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String PART_OF = "app.kubernetes.io/part-of";
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String VERSION = "updraft.dev/version";

  /** A hash of a pod's variables: a changed ConfigMap or Secret rolls the pods. */
  static final String ENV_HASH = "updraft.dev/env-hash";

  /** Marks a job's run at destroy: it stays (until its TTL) so that its logs can be read. */
  static final String ON_DELETE = "updraft.dev/on-delete";

  static final String MANAGER = "updraft";

  private final String environment;
  private final String namespace;

  Labels(String environment, String namespace) {
    this.environment = environment;
    this.namespace = namespace;
  }

  String namespace() {
    return namespace;
  }

  /** What every object of the environment carries. */
  Map<String, String> environment() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(PART_OF, environment);
    labels.put(MANAGED_BY, MANAGER);
    return labels;
  }

  /** What every object of a service carries. */
  Map<String, String> service(String service, String component) {
    Map<String, String> labels = environment();
    labels.put(NAME, service);
    labels.put(COMPONENT, component);
    return labels;
  }

  /** The immutable selector of a service's workload. */
  Map<String, String> selector(String service) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, service);
    labels.put(PART_OF, environment);
    return labels;
  }

  /** Labels of a workload and its pods: the service's, with the version. */
  Map<String, String> versioned(String service, String component, String version) {
    Map<String, String> labels = service(service, component);
    labels.put(VERSION, version);
    return labels;
  }

  ObjectMeta meta(String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .build();
  }

  static String envConfigMap(String service) {
    return service + "-env";
  }

  static String envSecret(String service) {
    return service + "-secrets";
  }

  /** The database's password; kept when the database is removed, like its volume. */
  static String credentials(String database) {
    return database + "-credentials";
  }

  /** A job's run for a version: a new version is a new Job, so it runs again. */
  static String jobRun(String job, String version) {
    return job + "-" + version;
  }
}
