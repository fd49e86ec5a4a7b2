package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.spec.Service;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The parts of pod templates: containers, probes from health checks, limits, variables. */
final class Pods {
  private Pods() {}

  /** A container running {@code command} (a shell command line) or the image's own. */
  static ContainerBuilder container(String name, String image, String command) {
    ContainerBuilder container = new ContainerBuilder().withName(name).withImage(image);
    if (command != null) {
      container.withCommand("sh", "-c", command);
    }
    return container;
  }

  /** A long-running container: its port, its variables and probes from the health check. */
  static ContainerBuilder server(
      ContainerBuilder container,
      int port,
      Service.Health health,
      Service.Resources resources,
      List<EnvFromSource> env) {
    container
        .addNewPort()
        .withName("http")
        .withContainerPort(port)
        .endPort()
        .withEnvFrom(env)
        .withStartupProbe(startup(health, port))
        .withReadinessProbe(probe(health, port).withFailureThreshold(1).build())
        .withLivenessProbe(probe(health, port).withFailureThreshold(3).build());
    return limits(container, resources);
  }

  /**
   * The variables of a service's pods: the ConfigMap always (it holds {@code PORT} at least), the
   * Secret only when there are secret values.
   */
  static List<EnvFromSource> envFrom(String service, boolean hasSecrets) {
    List<EnvFromSource> sources = new ArrayList<>();
    sources.add(
        new EnvFromSourceBuilder()
            .withNewConfigMapRef()
            .withName(Labels.envConfigMap(service))
            .endConfigMapRef()
            .build());
    if (hasSecrets) {
      sources.add(
          new EnvFromSourceBuilder()
              .withNewSecretRef()
              .withName(Labels.envSecret(service))
              .endSecretRef()
              .build());
    }
    return sources;
  }

  /** The health check lets a slow start take {@code startTimeout}, then checks every interval. */
  private static Probe startup(Service.Health health, int port) {
    long interval = seconds(health.interval().toMillis());
    long attempts = Math.max(1, (health.startTimeout().toSeconds() + interval - 1) / interval);
    return probe(health, port).withFailureThreshold((int) attempts).build();
  }

  private static ProbeBuilder probe(Service.Health health, int port) {
    ProbeBuilder probe =
        new ProbeBuilder()
            .withPeriodSeconds((int) seconds(health.interval().toMillis()))
            .withTimeoutSeconds((int) seconds(health.timeout().toMillis()));
    return health.http()
        ? probe
            .withNewHttpGet()
            .withPath(health.path())
            .withPort(new IntOrString(port))
            .endHttpGet()
        : probe.withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket();
  }

  /** Kubernetes counts probe periods in whole seconds, at least one. */
  private static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  /** Requests equal limits: the pod gets what it may use, and autoscaling has a base. */
  static ContainerBuilder limits(ContainerBuilder container, Service.Resources resources) {
    Map<String, Quantity> limits = new LinkedHashMap<>();
    if (resources.memory() != null) {
      limits.put("memory", new Quantity(resources.memory()));
    }
    if (resources.cpu() != null) {
      limits.put("cpu", new Quantity(cpu(resources.cpu())));
    }
    if (!limits.isEmpty()) {
      container.withResources(
          new ResourceRequirementsBuilder().withLimits(limits).withRequests(limits).build());
    }
    return container;
  }

  /** CPU in millicores, the form Kubernetes itself writes back. */
  private static String cpu(double cores) {
    return Math.round(cores * 1000) + "m";
  }

  /** A short hash of variables (secret ones included, never shown), to roll pods on a change. */
  static String hash(Map<String, String> plain, Map<String, String> secret) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(new TreeMap<>(plain).toString().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(new TreeMap<>(secret).toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
