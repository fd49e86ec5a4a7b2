package dev.updraft.mesh.config;

import java.util.Objects;

/**
 * A route's reference to a backend with its share of the traffic.
 *
 * @param name the backend's name
 * @param weight relative share, >= 1
 */
public record WeightedBackend(String name, Integer weight) {
  public WeightedBackend {
    Objects.requireNonNull(name, "name");
    weight = weight == null ? 1 : weight;
    if (weight < 0) {
      throw new MeshConfigException(
          "backends[" + name + "].weight: " + weight + " (expected: >= 0)");
    }
  }
}
