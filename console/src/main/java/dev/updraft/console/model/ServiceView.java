package dev.updraft.console.model;

import dev.updraft.deploy.spec.ServiceKind;
import java.util.List;

/** A deployed service: its kind, version, the port it is served on, and its instances. */
public record ServiceView(
    String name, ServiceKind kind, String version, Integer port, List<Instance> instances) {
  public ServiceView {
    instances = List.copyOf(instances);
  }

  public Instance instance(String id) {
    return instances.stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
  }
}
