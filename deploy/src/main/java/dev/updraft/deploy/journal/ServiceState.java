package dev.updraft.deploy.journal;

import dev.updraft.deploy.spec.ServiceKind;
import java.util.List;
import java.util.Map;

/**
 * What is deployed for one service: its version, the artifact its instances run from, the
 * instances, and the attributes other services reference ({@code url}, {@code port}, job outputs).
 *
 * @param attributes values for {@code ${service.attribute}}; secret ones are stored separately
 */
public record ServiceState(
    String service,
    ServiceKind kind,
    String version,
    String artifact,
    List<Instance> instances,
    Integer servicePort,
    Map<String, String> attributes) {
  /** One running instance. */
  public record Instance(String id, int port) {}

  public ServiceState {
    instances = instances == null ? List.of() : List.copyOf(instances);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  private static final String FAILED = "failed-";

  /**
   * The version to record for a service a failed step left changed (the cluster runs its objects at
   * no good version): no spec has it, so the next plan, a rollback's included, replaces it.
   */
  public static String failedVersion(String version) {
    return FAILED + version;
  }

  /** Whether the last step on this service failed midway (see {@link #failedVersion}). */
  public boolean rolloutFailed() {
    return version.startsWith(FAILED);
  }

  public ServiceState withInstances(List<Instance> next) {
    return new ServiceState(service, kind, version, artifact, next, servicePort, attributes);
  }

  public ServiceState withAttributes(Map<String, String> next) {
    return new ServiceState(service, kind, version, artifact, instances, servicePort, next);
  }
}
