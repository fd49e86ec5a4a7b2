package dev.updraft.deploy.state;

import dev.updraft.deploy.spec.EnvironmentSpec;
import java.nio.file.Path;

/**
 * Where an environment's state lives, {@code .updraft/<environment>/} beside its spec: every target
 * keeps its data below it (the local target in it, a Kubernetes target in a directory per cluster
 * and namespace), so that it is tightened and found in one place.
 */
public final class StateDirectory {
  private StateDirectory() {}

  /** The environment's state directory; touches nothing. */
  public static Path of(EnvironmentSpec spec) {
    return spec.baseDir().resolve(".updraft").resolve(spec.environment());
  }
}
